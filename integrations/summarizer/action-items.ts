import type { Segment } from '../transcripts/types';
import { condensed } from './compression';
import { spanOfSegments } from './grounding';
import type { ExtractedActionItem, MeetingParticipant } from './types';
import { resolveDueDate, withoutDueDatePhrase } from './due-dates';
import type { ParticipantDirectory } from './participant-match';
import type { Sentence } from './sentences';
import { STOPWORDS } from './stopwords';
import { isVagueTask, taskClause } from './task-verbs';
import { contentTerms } from './terms';
import { jaccard } from './vectors';

export interface ActionItemContext {
  segments: Segment[];
  directory: ParticipantDirectory;
  meetingDate: Date;
  timeZone: string;
}

/** Who a task was given to, as the sentence says it. */
type Owner = { kind: 'speaker' } | { kind: 'named'; name: string } | { kind: 'addressee' } | { kind: 'nobody' };

interface Detection {
  owner: Owner;
  task: string;
}

/** An owner together with the segment that makes them the owner (their acceptance), when it is not the sentence's own. */
interface ResolvedOwner {
  ownerName?: string;
  participant?: MeetingParticipant;
  acceptedIn?: number;
}

const MAX_TITLE_LENGTH = 80;
const NAME = "([\\p{L}][\\p{L}'.-]*(?:\\s+[\\p{L}][\\p{L}'-]*)?)";
const EXPLICIT = /\b(?:action items?|to-?dos?|next steps?)\s*(?:for\s+([\p{L}][\p{L}'-]*(?:\s+[\p{Lu}][\p{L}'-]*)?))?\s*[:–-]\s*(.+)$/iu;
const VOCATIVE_REQUEST = new RegExp(`^${NAME},?\\s+(?:(?:can|could|would|will) you\\s+(?:please\\s+)?|please\\s+)(.+)$`, 'u');
const REQUEST_THEN_VOCATIVE = new RegExp(`^(?:[Cc]an|[Cc]ould|[Ww]ould|[Ww]ill) you\\s+(?:please\\s+)?(.+?),\\s*${NAME}[?.!]*$`, 'u');
const NAMED_WILL = new RegExp(
  `(?:^|[\\s,;])${NAME}(?:\\s+(?:will|is going to|is gonna|gonna|can|should|needs to|has to|agreed to|is to|is taking care of)|'ll)\\s+(.+)$`,
  'u',
);
const NAMED_TO = new RegExp(`^${NAME}\\s+to\\s+(.+)$`, 'u');
const SELF = /\b(?:I'll|I will|I'm going to|I am going to|I'm gonna|I can)\s+(.+)$/i;
/** "Let me ..." is mostly rhetoric ("let me say", "let me confirm that"): only follow-ups and look-ups count. */
const LET_ME = /\blet me\s+((?:get back|follow up|find out|look into|check with|check whether|check if|circle back|touch base)\b.*)$/i;
/** "what I'm gonna write about", "how I'll do it": a relative clause, not a promise. */
const RELATIVE_BEFORE = /\b(?:what|how|where|when|which|whether|why|if)\s*$/i;
/** A request opens its clause ("Can you send it?", "OK, could you ..."); "the question is whether you can ..." is none. */
const OPEN_REQUEST = /^(?:(?:so|and|ok(?:ay)?|well|hey|right|then|also|now)[,]?\s+)*(?:can|could|would|will) you\s+(?:please\s+)?(.+)$/i;
/** "Can you, Bob, review it?" */
const REQUEST_WITH_VOCATIVE = new RegExp(`^(?:[Cc]an|[Cc]ould|[Ww]ould|[Ww]ill) you,\\s*${NAME},\\s*(?:please\\s+)?(.+)$`, 'u');
/** "you're gonna be working on ...", "you'll think about ...": a task handed to the person addressed. */
const DIRECTIVE = /\byou(?:'re| are)?\s*(?:'ll\s+|will\s+|gonna\s+|going to\s+)(?:be\s+)?(?:just\s+)?(.+)$/i;
/** "how are you going to ...", "will you ...": a question, not an assignment. */
const INVERTED_BEFORE = /\b(?:are|do|did|will|would|can|could|should|how|what|why|when|where|whether|if)\s*$/i;
/** "you'll get down to 1.2x", "you'll see": what will happen to you, not what you will do. */
const PREDICTION = /^(?:get|see|find|notice|have|be|need|want|like|love|hate)\b/i;
/** "I'll just check ...", "I'll just draw ...": done right now, in the meeting, not a task for later. */
const RIGHT_NOW = /\b(?:I'll|I will|I'm gonna|I'm going to|let me) just\b/i;
/** Clauses that hand out several tasks in one breath: "X, you'll do A, and Y, you'll do B". */
const CLAUSE_BREAK = /(?:,\s*|\s+)(?:and|then)\s+(?=(?:\p{L}+,?\s+){0,3}(?:you|you're|you'll)\b)|;\s*|\.\s+/iu;
const ACCEPTANCE = /^(?:sure|yes|yeah|yep|ok(?:ay)?|will do|no problem|of course|absolutely|definitely|i can|i will|i'll)\b/i;
const CALENDAR_WORDS = /^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|today|tomorrow)$/i;

const URGENT = /\b(?:urgent(?:ly)?|asap|a\.s\.a\.p|as soon as possible|immediately|right away)\b/i;
const HIGH = /\b(?:critical|high[- ]priority|top priority|important|crucial|blocker)\b/i;
const LOW = /\b(?:low[- ]priority|no rush|whenever|when you get a chance|nice to have|at some point|eventually)\b/i;
const QUESTION_TASK =
  /\b(?:find out|check (?:whether|if)|figure out (?:whether|if|how|what|why|when|who)|look into (?:whether|if|why|how)|ask (?:\w+ )?(?:whether|if|about)|confirm (?:whether|if)|clarify)\b/i;
const FOLLOW_UP = /\b(?:follow(?:ing)?[ -]up|get back to|circle back|touch base|reach out|check in with|let (?:\w+ )?know|ping|remind)\b/i;
/** A title is the first clause: it ends at a comma, semicolon or dash, or where a new clause begins. */
const TITLE_CUT = /(?:[,;]\s*|\s+[-–]\s+|\s+(?:and then|because|so that|so we|which|but|since|unless|although)\s+)/i;
/** Words that end a spoken request but not a task title; urgency goes to the priority instead. */
const TRAILING_NOISE =
  /(?:[\s,]+(?:then|okay|ok|please|right|alright|as well|too|for us|for me|if (?:that's|that is) (?:ok|okay|alright|fine)|if possible|yeah|asap|as soon as possible|immediately|right away|urgently))+[\s.?!]*$/i;

/** Rule-based action items: who said they would do what, by when, deduplicated. */
export function extractActionItems(sentences: Sentence[], context: ActionItemContext): ExtractedActionItem[] {
  const items: ExtractedActionItem[] = [];
  for (const sentence of sentences) {
    if (sentence.isBackchannel || RIGHT_NOW.test(sentence.text)) continue;
    for (const clause of sentence.display.split(CLAUSE_BREAK)) {
      const detection = detectTask(clause.trim(), context.directory);
      const item = detection && buildItem(sentence, clause, detection, context);
      if (item) items.push(item);
    }
  }
  return deduplicate(items);
}

function detectTask(text: string, directory: ParticipantDirectory): Detection | undefined {
  const explicit = EXPLICIT.exec(text);
  if (explicit) return detectExplicit(explicit[1], explicit[2], directory);
  const isQuestion = /\?\s*$/.test(text);
  return (
    named(REQUEST_WITH_VOCATIVE.exec(text), 1, 2, directory) ??
    named(VOCATIVE_REQUEST.exec(text), 1, 2, directory) ??
    named(REQUEST_THEN_VOCATIVE.exec(text), 2, 1, directory) ??
    (isQuestion ? undefined : named(NAMED_WILL.exec(text), 1, 2, directory)) ??
    (isQuestion ? undefined : named(NAMED_TO.exec(text), 1, 2, directory)) ??
    (isQuestion ? undefined : withTask({ kind: 'speaker' }, selfPromise(text))) ??
    (isQuestion ? undefined : directive(text, directory)) ??
    withTask({ kind: 'addressee' }, OPEN_REQUEST.exec(text)?.[1])
  );
}

/** "Action item: Bob to send the notes", "action item for Bob: send the notes", "next steps: update the roadmap". */
function detectExplicit(forName: string | undefined, rest: string, directory: ParticipantDirectory): Detection | undefined {
  const inner = detectTask(rest, directory);
  if (inner && inner.owner.kind !== 'addressee') return inner;
  const task = rest.trim();
  if (contentTerms(task).length === 0) return undefined;
  const owner: Owner = forName && isName(forName, directory) ? { kind: 'named', name: forName } : { kind: 'nobody' };
  return { owner, task };
}

/** "As the designer, you're gonna work on X": the owner is the participant the clause names, else whoever accepts. */
function directive(text: string, directory: ParticipantDirectory): Detection | undefined {
  const match = DIRECTIVE.exec(text);
  if (!match || RELATIVE_BEFORE.test(text.slice(0, match.index)) || INVERTED_BEFORE.test(text.slice(0, match.index)) || PREDICTION.test(match[1])) return undefined;
  const addressed = mentionedParticipant(text.slice(0, match.index), directory);
  return withTask(addressed ? { kind: 'named', name: addressed } : { kind: 'addressee' }, match[1]);
}

/** A participant whose name or label is said in the text ("for our Industrial Designer", "marketing, you'll ..."). */
function mentionedParticipant(text: string, directory: ParticipantDirectory): string | undefined {
  const words = ` ${text.toLowerCase().replace(/[^\p{L}\p{N}' ]+/gu, ' ').replace(/\s+/g, ' ')} `;
  const found = directory.participants.filter((participant) => {
    const name = participant.name.toLowerCase().replace(/\([^)]*\)/g, '').trim();
    return name.length >= 3 && words.includes(` ${name} `);
  });
  return found.length === 1 ? found[0].name : undefined;
}

function selfPromise(text: string): string | undefined {
  const match = SELF.exec(text);
  if (match && !RELATIVE_BEFORE.test(text.slice(0, match.index))) return match[1];
  return LET_ME.exec(text)?.[1];
}

function named(match: RegExpExecArray | null, nameGroup: number, taskGroup: number, directory: ParticipantDirectory): Detection | undefined {
  if (!match) return undefined;
  const said = bestName(match[nameGroup], directory);
  if (!said) return undefined;
  // "User Interface Designer gonna ...": the participant label in the last words before the verb, not just the last two.
  const upToName = match.input.slice(0, match.index + match[0].indexOf(match[nameGroup]) + match[nameGroup].length);
  const name = directory.find(said) ? said : (mentionedParticipant(upToName.split(/\s+/).slice(-4).join(' '), directory) ?? said);
  return name ? withTask({ kind: 'named', name }, match[taskGroup]) : undefined;
}

/** The whole capture or its last word, whichever reads as a person ("the report" is none, "Bob Smith" is). */
function bestName(candidate: string, directory: ParticipantDirectory): string | undefined {
  const lastWord = candidate.split(/\s+/).pop() ?? candidate;
  return [candidate, lastWord].find((name) => isName(name, directory));
}

/**
 * A person's name as said: capitalized and not a common or calendar word ("Bob", "Dana Lee"), or, lowercase,
 * exactly a participant's full name. ("project" is not "Project Manager", even though that label is a participant.)
 */
function isName(name: string, directory: ParticipantDirectory): boolean {
  const words = name.split(/\s+/);
  const looksLikeName = words.every((word) => /^\p{Lu}/u.test(word) && !STOPWORDS.has(word.toLowerCase()) && !CALENDAR_WORDS.test(word));
  return looksLikeName || directory.isFullName(name);
}

function withTask(owner: Owner, rest: string | undefined): Detection | undefined {
  const task = rest ? taskClause(rest) : undefined;
  return task ? { owner, task } : undefined;
}

function buildItem(sentence: Sentence, clause: string, detection: Detection, context: ActionItemContext): ExtractedActionItem | undefined {
  // The due date comes from the clause that gives the task, never from elsewhere in the meeting.
  const dueDate = resolveDueDate(detection.task, context.meetingDate, context.timeZone);
  const title = titleFrom(detection.task);
  // A pronoun object is still a task when a date or a named person makes it a commitment ("Bob, can you review it?").
  if (!title || isVagueTask(title, dueDate !== undefined || detection.owner.kind === 'named')) return undefined;
  const { ownerName, participant, acceptedIn } = resolveOwner(detection.owner, sentence, context);
  const lastSegment = Math.max(sentence.segmentIndex, acceptedIn ?? sentence.segmentIndex);
  return {
    title,
    description: `${sentence.speaker}: ${clause === sentence.display ? sentence.display : clause.replace(/[,;\s]+$/, '')}`,
    ...(participant ? { ownerId: participant.id } : {}),
    ...(ownerName ? { ownerName } : {}),
    ...(dueDate ? { dueDate } : {}),
    priority: priorityOf(sentence.text),
    type: QUESTION_TASK.test(detection.task) ? 'question' : FOLLOW_UP.test(detection.task) ? 'follow_up' : 'task',
    at: sentence.at,
    span: spanOfSegments(context.segments, sentence.segmentIndex, lastSegment),
  };
}

/** The owner only as the span says it: the speaker promising, the person named, or the one who accepts a request. */
function resolveOwner(owner: Owner, sentence: Sentence, context: ActionItemContext): ResolvedOwner {
  if (owner.kind === 'addressee') {
    const reply = acceptance(sentence, context.segments);
    return reply === undefined ? {} : { ...ownerNamed(context.segments[reply].speaker, context), acceptedIn: reply };
  }
  const name = owner.kind === 'speaker' ? sentence.speaker : owner.kind === 'named' ? owner.name : undefined;
  return name ? ownerNamed(name, context) : {};
}

function ownerNamed(name: string, context: ActionItemContext): ResolvedOwner {
  return { ownerName: name, participant: context.directory.find(name) };
}

/** An open request ("can you send it?") belongs to whoever answers "sure" / "will do" right after. */
function acceptance(sentence: Sentence, segments: Segment[]): number | undefined {
  const index = sentence.segmentIndex + 1;
  const reply = segments[index];
  return reply && reply.speaker !== sentence.speaker && ACCEPTANCE.test(reply.text.trim()) ? index : undefined;
}

export function titleFrom(task: string): string {
  const clause = asWritten(firstClause(withoutDueDatePhrase(task)));
  const trimmed = withoutDanglingTail(clause.replace(TRAILING_NOISE, '').replace(/[\s,.;:?!]+$/, '').trim());
  const title = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  if (title.length <= MAX_TITLE_LENGTH) return title;
  const cut = title.slice(0, MAX_TITLE_LENGTH - 1);
  return `${cut.slice(0, cut.lastIndexOf(' ')).replace(/[\s,;:]+$/, '')}…`;
}

/** "you know" said in passing ("work on you know the design"), not "do you know" or "you know what it needs". */
const PASSING_YOU_KNOW = /(?<!\b(?:do|did|don't|if|as|what|how|whatever|that)\s+)\byou know\s+(?!(?:what|how|where|when|who|why|whether|if|that)\b)/gi;
/** A question word, one word, the same question word: the start was dropped for a better one ("what it what needs"). */
const WH_RESTART = /\b(what|how|where|when|why|which|who)\s+[\w']+\s+(?=\1\b)/gi;

/**
 * A spoken task as it would be written: without hedges and fillers ("actually", "just", "you know"), an abandoned
 * start ("think about what it what requirements it has" → "think about what requirements it has") or spaces inside
 * quotes (some transcripts write `" cognitive dispatcher "`).
 */
function asWritten(task: string): string {
  return condensed(task)
    .replace(PASSING_YOU_KNOW, '')
    .replace(WH_RESTART, '')
    .replace(/"\s+([^"]*?)\s+"/g, '"$1"')
    .replace(/\s+/g, ' ')
    .trim();
}

const DANGLING_TAIL = /\s+(?:if|when|because|so|and|but|or|unless|while|as)\b(?:\s+\S+){0,3}$/i;
const FUNCTION_WORD_END = /\b(?:we're|we|you're|you|they're|they|i'm|it's|the|a|an|to|of|and|or|if|that|is|are|was|with|for|in|on)$/i;

/** "Arrange for it to arrive soon if we're": a clause cut off mid-way is dropped from the title. */
function withoutDanglingTail(title: string): string {
  return FUNCTION_WORD_END.test(title) ? title.replace(DANGLING_TAIL, '') : title;
}

/** Cuts at the first clause break that leaves at least three words ("Talk to Liz, to see if ..." → "Talk to Liz"). */
function firstClause(text: string): string {
  const pieces = text.split(TITLE_CUT);
  let clause = pieces[0];
  for (const piece of pieces.slice(1)) {
    if (clause.split(/\s+/).length >= 3) break;
    clause = `${clause}, ${piece}`;
  }
  return clause;
}

function priorityOf(text: string): ExtractedActionItem['priority'] {
  if (URGENT.test(text)) return 'urgent';
  if (HIGH.test(text)) return 'high';
  if (LOW.test(text)) return 'low';
  return 'medium';
}

const PRIORITY_RANK = { low: 0, medium: 1, high: 2, urgent: 3 } as const;

/** Same owner and mostly the same words: one item, keeping the first mention plus any due date or higher priority. */
function deduplicate(items: ExtractedActionItem[]): ExtractedActionItem[] {
  const kept: ExtractedActionItem[] = [];
  for (const item of items) {
    const twin = kept.find((other) => ownerKey(other) === ownerKey(item) && (jaccard(contentTerms(other.title), contentTerms(item.title)) >= 0.5 || restates(other, item)));
    if (!twin) {
      kept.push(item);
      continue;
    }
    twin.dueDate ??= item.dueDate;
    if (PRIORITY_RANK[item.priority] > PRIORITY_RANK[twin.priority]) twin.priority = item.priority;
  }
  return kept;
}

const RESTATEMENT_SECONDS = 180;

/** "I can build a cabinet" ... "I can build it out of oak": the same verb on "it" soon after is the same task. */
function restates(earlier: ExtractedActionItem, later: ExtractedActionItem): boolean {
  const [verb, object] = later.title.toLowerCase().split(/\s+/);
  const close = (later.at ?? 0) - (earlier.at ?? 0) <= RESTATEMENT_SECONDS;
  return close && /^(?:it|that|this|them)$/.test(object ?? '') && earlier.title.toLowerCase().split(/\s+/)[0] === verb;
}

function ownerKey(item: ExtractedActionItem): string {
  return item.ownerId ?? item.ownerName?.toLowerCase() ?? '';
}
