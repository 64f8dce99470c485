import type { Segment } from '../transcripts/types';
import { condensed } from './compression';
import { spanOfSegments } from './grounding';
import type { SummaryPoint, SummaryTopic } from './types';
import type { ScoredSentence } from './sentence-scoring';
import { dot } from './vectors';

const MMR_LAMBDA = 0.7;
/** A topic's best sentence leads only when it is at least this good next to the meeting's best. */
const MIN_LEADER_SHARE = 0.3;
const MMR_POOL = 300;
/** More than any summary or key-point list uses. */
const MMR_PICKS = 60;
const MIN_SUMMARY_WORDS = 60;
const MAX_SUMMARY_WORDS = 150;
const HARD_MAX_SUMMARY_WORDS = 250;
/** The last sentence may run past the budget by this factor; longer ones are skipped for shorter ones. */
const BUDGET_TOLERANCE = 1.1;

/**
 * Maximal marginal relevance: repeatedly takes the sentence with the best mix of its own score and
 * dissimilarity to what is already taken, so the summary does not say the same thing twice.
 * `first`, when given, is taken before anything else (the meeting's purpose statement).
 */
export function rankByMmr(scored: ScoredSentence[], first?: ScoredSentence): ScoredSentence[] {
  const pool = [...scored]
    .sort((a, b) => b.score - a.score || a.sentence.index - b.sentence.index)
    .slice(0, MMR_POOL)
    .filter((item) => item !== first);
  const best = pool[0]?.score || 1;
  const ranked: ScoredSentence[] = first ? [first] : [];
  const redundancy = new Map(pool.map((item) => [item, first ? dot(item.vector, first.vector) : 0]));
  while (redundancy.size > 0 && ranked.length < MMR_PICKS) {
    let pick: ScoredSentence | undefined;
    let pickValue = -Infinity;
    for (const [item, similarity] of redundancy) {
      const value = MMR_LAMBDA * (item.score / best) - (1 - MMR_LAMBDA) * similarity;
      if (value > pickValue) [pick, pickValue] = [item, value];
    }
    if (!pick) break;
    ranked.push(pick);
    redundancy.delete(pick);
    for (const [item, similarity] of redundancy) redundancy.set(item, Math.max(similarity, dot(item.vector, pick.vector)));
  }
  return ranked;
}

/** Grows slowly with the meeting: about 60 words for a short meeting, 150 for a long one, never most of it. */
export function summaryWordBudget(meetingWords: number): number {
  const scaled = 25 * Math.log2(Math.max(1, meetingWords) / 500);
  const budget = Math.min(MAX_SUMMARY_WORDS, Math.max(MIN_SUMMARY_WORDS, Math.round(scaled)));
  return Math.min(budget, Math.max(20, Math.round(meetingWords * 0.4)));
}

/** Where a host says what the meeting is for: "this meeting", "the agenda", "we're going to discuss ...". */
const PURPOSE_CUES = new RegExp(
  [
    "this is (?:the|our|a|an) (?:[\\w-]+ ){0,3}(?:meeting|session|call|workshop|review)",
    "welcome (?:\\w+ ){0,2}to (?:the|our|this|today's) (?:[\\w-]+ ){0,8}(?:meeting|session|call|workshop|review|committee|sync|stand-?up|kick-?off|retro(?:spective)?)",
    "(?:this|today's) (?:meeting|session|call) is (?:about|for|to|on)",
    "(?:purpose|goal|aim|point|focus) of (?:this|today's|the) (?:meeting|session|call)",
    'agenda',
    "we(?:'re| are) (?:(?:here|going) to|gonna) (?:talk|discuss|look at|decide|go over|review|plan)",
    "today,? we(?:'ll| will| are going to| want to| need to) (?:talk|discuss|look at|decide|review|go over|focus)",
    "(?:let's|we need to|we'll|we will) (?:talk|discuss) about",
    "\\bto (?:discuss|talk about|go (?:over|through)|decide on|review) (?:the|our|this|today's|how|what|whether)\\b",
  ].join('|'),
  'i',
);
const OPENING_SHARE = 0.15;

/**
 * The best-scored sentence in the opening that states the meeting's purpose, if there is one: meetings
 * usually announce what they are about in the first minutes, which is what a reader wants first.
 */
export function purposeSentence(scored: ScoredSentence[]): ScoredSentence | undefined {
  const lastAt = scored[scored.length - 1]?.sentence.at ?? 0;
  return scored
    .filter(({ sentence }) => sentence.at <= lastAt * OPENING_SHARE && !sentence.isQuestion && PURPOSE_CUES.test(sentence.text))
    .reduce<ScoredSentence | undefined>((best, item) => (!best || item.score > best.score ? item : best), undefined);
}

/**
 * Puts each topic's best sentence first (after the purpose statement), so a summary walks through the meeting's
 * parts in order the way a minute-taker would, instead of dwelling on the most talked-about one.
 */
export function coverTopics(ranked: ScoredSentence[], topicStarts: number[]): ScoredSentence[] {
  const [first, ...rest] = ranked;
  if (!first || topicStarts.length < 2) return ranked;
  const topicOf = (item: ScoredSentence): number => topicStarts.filter((start) => start <= item.sentence.at).length;
  const covered = new Set([topicOf(first)]);
  const leaders: ScoredSentence[] = [];
  for (const item of rest) {
    const topic = topicOf(item);
    if (covered.has(topic) || item.score < (rest[0]?.score ?? 0) * MIN_LEADER_SHARE) continue;
    covered.add(topic);
    leaders.push(item);
  }
  return [first, ...leaders, ...rest.filter((item) => !leaders.includes(item))];
}

/**
 * An overview line naming what the meeting covered, then the chosen sentences in meeting order, each run of one
 * person's sentences introduced by their name ("Alice: ..."): a reader learns the subjects first and who said what.
 * The overview counts against the word budget.
 */
export function executiveSummary(ranked: ScoredSentence[], budget: number, topics: SummaryTopic[] = []): string {
  const overview = overviewLine(topics);
  const chosen = withinBudget(ranked, budget - countWords(overview));
  if (chosen.length === 0) return '';
  let previousSpeaker: string | undefined;
  const lines = inMeetingOrder(chosen).map(({ sentence }) => {
    const text = condensed(sentence.display);
    const speaker = shortSpeakerName(sentence.speaker);
    const line = speaker && speaker !== previousSpeaker ? `${speaker}: ${text}` : text;
    previousSpeaker = speaker;
    return line;
  });
  return [overview, ...lines].filter(Boolean).join(' ');
}

const OVERVIEW_PHRASES = 6;

/** "The discussion covered remote control, target group and battery." from the topics' leading keywords. */
export function overviewLine(topics: SummaryTopic[]): string {
  if (topics.length < 2) return '';
  const phrases: string[] = [];
  // Every topic is named once before any is named twice.
  const most = Math.max(OVERVIEW_PHRASES, topics.length);
  for (const rank of [0, 1]) {
    for (const topic of topics) {
      const phrase = topic.keywords[rank]?.toLowerCase();
      if (phrase && phrases.length < most && !phrases.some((kept) => sharesWord(kept, phrase))) phrases.push(phrase);
    }
  }
  if (phrases.length < 2) return '';
  return `The discussion covered ${phrases.slice(0, -1).join(', ')} and ${phrases[phrases.length - 1]}.`;
}

function sharesWord(a: string, b: string): boolean {
  const words = new Set(a.split(' '));
  return b.split(' ').some((word) => words.has(word));
}

/** "Hon. Ahmed Hussen (Minister of ...)" → "Ahmed Hussen"; labels such as "Grad A" stay as they are. */
export function shortSpeakerName(speaker: string): string {
  let name = speaker;
  // Innermost first: "The Chair (Hon. Anthony Rota (Nipissing, Lib.))" loses both levels instead of keeping a ")".
  while (/\([^()]*\)/.test(name)) name = name.replace(/\([^()]*\)/g, ' ');
  return name
    .replace(/[()]/g, ' ')
    .replace(/^(?:(?:the\s+)?(?:hon|mr|mrs|ms|mx|dr|prof)\.?\s+)+/i, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Takes sentences in rank order until the budget is met. */
function withinBudget(ranked: ScoredSentence[], budget: number): ScoredSentence[] {
  const chosen: ScoredSentence[] = [];
  let words = 0;
  for (const item of ranked) {
    if (words >= budget) break;
    const length = item.sentence.wordCount;
    const overshoots = words + length > budget * BUDGET_TOLERANCE || words + length > HARD_MAX_SUMMARY_WORDS;
    if (overshoots && chosen.length > 0) continue;
    chosen.push(item);
    words += length;
  }
  return chosen;
}

function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

export function keyPointCount(meetingWords: number): number {
  return Math.min(8, Math.max(3, 2 + Math.round(meetingWords / 2000)));
}

export function keyPoints(ranked: ScoredSentence[], count: number, segments: Segment[]): SummaryPoint[] {
  return inMeetingOrder(ranked.slice(0, count)).map(({ sentence }) => ({
    text: condensed(sentence.display),
    speaker: sentence.speaker,
    at: sentence.at,
    span: spanOfSegments(segments, sentence.segmentIndex, sentence.segmentIndex),
  }));
}

function inMeetingOrder(items: ScoredSentence[]): ScoredSentence[] {
  return [...items].sort((a, b) => a.sentence.index - b.sentence.index);
}
