import type { Segment } from '../transcripts/types';
import { BACKCHANNEL, FILLERS, STOPWORDS } from './stopwords';
import { contentTermsOf, wordTokens } from './terms';

export interface Sentence {
  /** Position in the meeting, 0-based. */
  index: number;
  segmentIndex: number;
  speaker: string;
  /** Seconds from the start, interpolated within the segment by word position. */
  at: number;
  /** As spoken, without fillers ("um", "uh") and stuttered repeats. */
  text: string;
  /** The same, tidied for display: no leading "so"/"okay", capitalized, ending with punctuation. */
  display: string;
  /** Lowercase word tokens of `text` (see wordTokens). */
  tokens: string[];
  terms: string[];
  wordCount: number;
  isQuestion: boolean;
  /** Only acknowledgements or fillers ("Yeah, okay.", "Mm-hmm."). */
  isBackchannel: boolean;
  /** Share of the spoken words that were fillers, cut-offs or repeats (0 = fluent): a struggling sentence is rarely a point. */
  disfluency: number;
}

const MAX_SENTENCE_WORDS = 60;
const CHUNK_WORDS = 30;
const ABBREVIATIONS = new Set(['mr', 'mrs', 'ms', 'dr', 'prof', 'hon', 'st', 'vs', 'etc', 'e.g', 'i.e', 'jr', 'sr', 'no', 'approx']);
const FILLER_PATTERN = new RegExp(`(^|[\\s,])(?:${FILLERS.join('|')})(?=[\\s,.?!]|$)[,]?`, 'gi');
/** "you know," / "I mean," as discourse markers (with their comma), not "do you know" or "what I mean". */
const HEDGE_PATTERN = /(^|[,.;]\s*)(?:you know|i mean),\s*/gi;
/** A lone lowercase letter other than "a" and "i" is a word cut off mid-speech ("w you are going"). */
const STRAY_LETTER = /(^|\s)[b-hj-z](?=[\s,]|$)/g;
const CUT_OFF_WORD = /(?<![\w'’])([a-z]{1,5})\s+(?=\1[a-z]+)/gi;
/** Filler "like" set off by a comma ("we have like, forms"), not the verb or "like this". */
const FILLER_LIKE = /(^|[\s,])like,\s*/gi;
const TRAILING_HEDGE = /,\s+you know(?=[.?!]*$)/i;
/** "it seems like it seems like" → "it seems like": a run of up to four words said again straight away. */
const REPEATED_PHRASE = /\b(\w+(?:'\w+)?(?:\s+\w+(?:'\w+)?){0,3})(?:[\s,]+\1\b(?!['’]))+/gi;
/** "with an a with an agenda" → "with an agenda": a phrase of two to four words, a false start, the phrase again. */
const RESTART = /\b(\w+(?:'\w+)?(?:\s+\w+(?:'\w+)?){1,3}),?\s+[a-z]{1,3},?\s+\1\b(?!['’])/gi;
/**
 * "Th Okay, the basic thing": a word cut off after a letter or two, then a fresh start with a capitalized marker.
 * Only at a sentence's or clause's start, and only a fragment that is not itself a word ("So Okay" stays).
 */
const CUT_OFF_BEFORE_RESTART = /(^\s*|[.,;]\s+)([A-Za-z]{1,3})\s+(?=(?:Okay|OK|So|Well|And|But|Yeah|Yes|Right|Now|Alright|Anyway)\b)/g;
/** "we're we decided" → "we decided", "we we'll go" → "we'll go": a pronoun said again at once, with or without its contraction. */
const PRONOUN_RESTART = /\b(we|you|they|i)(?:['’](?:re|ll|ve|d|m))?\s+(?=\1\b)/gi;
const LEADING_DISCOURSE = /^(?:(?:so|and|but|okay|ok|well|yeah|yes|right|alright|now|oh|like|anyway)\b[,]?\s*)+/i;

export function splitSentences(segments: Segment[]): Sentence[] {
  const sentences: Sentence[] = [];
  segments.forEach((segment, segmentIndex) => {
    const pieces = splitText(segment.text);
    const totalWords = Math.max(1, segment.text.split(/\s+/).length);
    let wordsBefore = 0;
    for (const piece of pieces) {
      const at = segment.start + ((segment.end - segment.start) * wordsBefore) / totalWords;
      wordsBefore += piece.split(/\s+/).length;
      const sentence = buildSentence(piece, sentences.length, segmentIndex, segment.speaker, at);
      if (sentence) sentences.push(sentence);
    }
  });
  return sentences;
}

/** Splits at . ! ? followed by a space, except after common abbreviations and initials ("Mr. Chair", "J. Smith"). */
export function splitText(text: string): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const part of text.split(/(?<=[.!?])\s+/)) {
    current = current ? `${current} ${part}` : part;
    const lastWord = /([A-Za-z.]+)\.$/.exec(current)?.[1]?.toLowerCase() ?? '';
    if (ABBREVIATIONS.has(lastWord) || /^[a-z]$/.test(lastWord)) continue;
    pieces.push(current);
    current = '';
  }
  if (current) pieces.push(current);
  return pieces.flatMap(limitLength).map((piece) => piece.trim()).filter(Boolean);
}

/** Unpunctuated speech-to-text output would otherwise be one "sentence" per turn: cut it at commas, else every 30 words. */
function limitLength(piece: string): string[] {
  const words = piece.split(/\s+/);
  if (words.length <= MAX_SENTENCE_WORDS) return [piece];
  const clauses = piece.split(/(?<=,)\s+/);
  if (clauses.length > 1 && clauses.every((clause) => clause.split(/\s+/).length <= MAX_SENTENCE_WORDS)) return mergeShort(clauses);
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += CHUNK_WORDS) chunks.push(words.slice(i, i + CHUNK_WORDS).join(' '));
  return chunks;
}

/** Joins consecutive clauses back while they fit, so "Well, yes, the plan" does not become three fragments. */
function mergeShort(clauses: string[]): string[] {
  const merged: string[] = [];
  for (const clause of clauses) {
    const last = merged[merged.length - 1];
    if (last && `${last} ${clause}`.split(/\s+/).length <= CHUNK_WORDS) merged[merged.length - 1] = `${last} ${clause}`;
    else merged.push(clause);
  }
  return merged;
}

function buildSentence(raw: string, index: number, segmentIndex: number, speaker: string, at: number): Sentence | undefined {
  const text = removeDisfluencies(raw);
  const tokens = wordTokens(text);
  if (tokens.length === 0) return undefined;
  return {
    index,
    segmentIndex,
    speaker,
    at: Math.round(at * 10) / 10,
    text,
    display: tidyForDisplay(text),
    tokens,
    terms: contentTermsOf(tokens),
    wordCount: tokens.length,
    isQuestion: /\?\s*$/.test(text),
    isBackchannel: tokens.every((token) => BACKCHANNEL.has(token)),
    disfluency: Math.max(0, 1 - tokens.length / Math.max(1, raw.split(/\s+/).length)),
  };
}

/** Drops fillers, set-off hedges ("you know", "I mean"), cut-off words ("h how", "des design") and repeats ("the the"). */
export function removeDisfluencies(text: string): string {
  return text
    .replace(FILLER_PATTERN, '$1')
    .replace(HEDGE_PATTERN, '$1')
    .replace(TRAILING_HEDGE, '')
    .replace(FILLER_LIKE, '$1')
    .replace(STRAY_LETTER, '$1')
    .replace(CUT_OFF_BEFORE_RESTART, (whole, before: string, fragment: string) => (STOPWORDS.has(fragment.toLowerCase()) ? whole : before))
    .replace(CUT_OFF_WORD, (whole, fragment: string) => (STOPWORDS.has(fragment.toLowerCase()) ? whole : ''))
    .replace(REPEATED_PHRASE, '$1')
    .replace(RESTART, '$1')
    .replace(PRONOUN_RESTART, '')
    .replace(/\s+([,.?!])/g, '$1')
    .replace(/,(?=[,.?!])/g, '')
    .replace(/^[\s,]+/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The same, for text that lost words in between since ("we just we'll go" without "just"). */
export function withoutPronounRestarts(text: string): string {
  return text.replace(PRONOUN_RESTART, '');
}

export function tidyForDisplay(text: string): string {
  const stripped = text.replace(LEADING_DISCOURSE, '').replace(/^[\s,]+/, '');
  const body = /[a-z0-9]/i.test(stripped) ? stripped : text;
  const capitalized = body.charAt(0).toUpperCase() + body.slice(1);
  return /[.!?]$/.test(capitalized) ? capitalized : `${capitalized.replace(/[,;:\s]+$/, '')}.`;
}
