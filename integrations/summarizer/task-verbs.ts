/**
 * Verbs that start a real task ("I'll send ...", "Bob will review ..."). Anything else after "I'll" is usually
 * talk about talk ("I'll be honest", "I will say", "I'm going to show you"), so the list is a whitelist.
 * A pattern, when given, must follow the verb ("talk to", not "talk about").
 */
const TASK_VERBS: ReadonlyMap<string, RegExp | undefined> = new Map<string, RegExp | undefined>([
  ...words(
    `add analyse analyze arrange book build buy call cancel change chase check circulate clean collect compile
    complete configure confirm contact coordinate create debug deliver deploy design document double-check draft
    e-mail edit email escalate estimate evaluate file finalise finalize find finish fix forward gather handle hire
    implement install investigate invite invoice mail measure merge message migrate notify order organise organize
    outline pay phone ping plan post prepare print prototype publish read reach recap refactor release remind reply
    request research reschedule reserve respond review revise rewrite schedule send set share ship sign sort submit
    summarise summarize sync test text track translate update upload verify write`,
  ).map((verb): [string, RegExp | undefined] => [verb, undefined]),
  ['ask', /^(?:\S+\s+){1,3}(?:about|whether|if|to|for)\b/],
  ['do', /^(?!(?:it|that|this|so|the same)\b)\w/],
  ['follow', /^up\b/],
  ['get', /^(?!(?:going|started|into|it|to|there|on|in|out|rid|used|back to the)\b)\w/],
  ['go', /^(?:through|over|ahead)\b/],
  ['look', /^(?:into|at|over|up|for)\b/],
  ['make', /^(?:sure|a|an|the|some|copies|changes)\b/],
  ['put', /^(?:together|it|them|that|this|the|a|up)\b/],
  ['run', /^(?!(?:through|out|into|over)\b)\w/],
  ['take', /^(?:care|a look|ownership|over|charge|the lead|notes|the minutes|responsibility)\b/],
  ['talk', /^(?:to|with)\b/],
  ['touch', /^base\b/],
  ['circle', /^back\b/],
  ['work', /^on\b/],
  ['let', /^(?:you|them|him|her|everyone|everybody|us|the team)\s+know\b/],
]);

function words(list: string): string[] {
  return list.split(/\s+/).filter(Boolean);
}

const LEADING_ADVERBS = /^(?:(?:also|just|please|definitely|quickly|then|probably|maybe|certainly|go ahead and|try to|try and|first|later|personally|actually|still)\s+)+/i;

/** The clause from its task verb on ("send the deck to Carol by Friday"), or undefined when it is no task. */
export function taskClause(text: string): string | undefined {
  const clause = text.replace(LEADING_ADVERBS, '').trim();
  const [verb = '', ...rest] = clause.split(/\s+/);
  const key = verb.toLowerCase().replace(/[^a-z-]/g, '');
  if (!TASK_VERBS.has(key) || key !== verb.toLowerCase()) return undefined;
  const follows = TASK_VERBS.get(key);
  const remainder = rest.join(' ');
  if (follows && !follows.test(remainder.toLowerCase())) return undefined;
  return clause;
}
