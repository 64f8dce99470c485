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
  ['think', /^(?:about|over|through)\b/],
  ['come', /^up with\b/],
  ['let', /^(?:you|them|him|her|everyone|everybody|us|the team)\s+know\b/],
]);

function words(list: string): string[] {
  return list.split(/\s+/).filter(Boolean);
}

const LEADING_ADVERBS = /^(?:(?:also|just|please|definitely|quickly|then|probably|maybe|certainly|go ahead and|try to|try and|first|later|personally|actually|still|have to|hafta|need to|be(?=\s+\w+ing\b))\s+)+/i;

/** The clause from its task verb on ("send the deck to Carol by Friday"), or undefined when it is no task. */
export function taskClause(text: string): string | undefined {
  const [said = '', ...rest] = text.replace(LEADING_ADVERBS, '').trim().split(/\s+/);
  // "working on the design" reads as "work on the design": the title is an imperative.
  const verb = baseForm(said);
  const clause = [verb, ...rest].join(' ');
  const key = verb.toLowerCase().replace(/[^a-z-]/g, '');
  if (!TASK_VERBS.has(key) || key !== verb.toLowerCase()) return undefined;
  const follows = TASK_VERBS.get(key);
  const remainder = rest.join(' ');
  if (follows && !follows.test(remainder.toLowerCase())) return undefined;
  return clause;
}

/** "working" → "work", "putting" → "put", "writing" → "write"; other words as they are. */
function baseForm(word: string): string {
  const match = /^([a-z-]+?)ing$/i.exec(word);
  if (!match) return word;
  const stem = match[1].toLowerCase();
  const candidates = [stem, `${stem}e`, /(.)\1$/.test(stem) ? stem.slice(0, -1) : ''];
  return candidates.find((candidate) => candidate && TASK_VERBS.has(candidate)) ?? word;
}

/** Objects that name no task by themselves: "add it later", "do something", "look at that". */
const VAGUE_OBJECTS = new Set(['together', 'done', 'ready', 'going', 'it', 'that', 'this', 'them', 'those', 'these', 'something', 'anything', 'everything', 'stuff', 'things', 'thing', 'one', 'later', 'then', 'there', 'now', 'again', 'too', 'more', 'some', 'all', 'bit', 'a', 'the', 'up', 'out', 'on', 'at', 'into', 'over', 'about', 'to', 'with', 'for', 'of', 'back', 'care', 'sure', 'so', 'just', 'well', 'maybe', 'somehow', 'someday', 'sometime', 'eventually']);
const PRONOUNS = new Set(['it', 'that', 'this', 'them', 'those', 'these']);
const VAGUE_VERBS_OBJECT = /^(?:(?:do|handle|sort|take care of|deal with|look at|work on|think about)\s+(?:something|anything|stuff|things|it|that|this)\b|let \w+ know$)/i;

/**
 * A task a person can do names what to act on: a verb and an object with some content ("Send the deck"), not only
 * pronouns and adverbs ("Add it later", "Do something with ..."). `committed` (a due date, a person named) keeps a
 * pronoun object ("Send it by Friday"): the span says what "it" is.
 */
export function isVagueTask(title: string, committed = false): boolean {
  if (VAGUE_VERBS_OBJECT.test(title)) return true;
  const [, ...object] = title.toLowerCase().replace(/[^a-z0-9' -]/g, ' ').split(/\s+/).filter(Boolean);
  const substantive = object.filter((word) => !VAGUE_OBJECTS.has(word) && word.length > 1);
  return substantive.length === 0 && !(committed && object.some((word) => PRONOUNS.has(word)));
}
