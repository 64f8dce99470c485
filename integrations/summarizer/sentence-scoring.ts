import type { Sentence } from './sentences';
import { addInto, countTerms, dot, normalize, type TermVector } from './vectors';

export interface ScoredSentence {
  sentence: Sentence;
  /** Unit tf-idf vector of the sentence's content terms (for redundancy checks). */
  vector: TermVector;
  /** How much of the meeting's recurring vocabulary the sentence packs in, per word. */
  salience: number;
  /** Salience times the length, position and form priors: what the summarizer ranks by. */
  score: number;
}

const MIN_WORDS = 6;
const MIN_DISTINCT_TERMS = 2;
const IDEAL_MAX_WORDS = 30;
/** The first tenth of a meeting gets up to +50%: that is where it says what it is about. */
const OPENING_SHARE = 0.1;
const OPENING_BOOST = 0.5;
const QUESTION_FACTOR = 0.5;
const FRAMING_FACTOR = 1.2;
/** Sentences that frame the meeting ("the goal today", "we decided") say more per word than the talk around them. */
const FRAMING_CUES =
  /\b(?:agenda|meeting|purpose|goal|aim|objective|project|discuss|discussion|decide|decided|decision|agreed|conclusion|propose|proposal|plan|plans|issue|problem|next step|main point|recap|sum up|summari[sz]e|in summary|overall|the main thing)\b/i;

/** Centroid similarity is multiplied in from this floor, so an on-topic sentence gains and none drops to zero. */
const CENTROID_FLOOR = 0.2;
const CENTROID_TERMS = 100;
/** The share of content words of a sentence that says something (in speech most words are function words). */
const DENSE_SHARE = 0.45;
const HEDGE_FACTOR = 0.85;
/** A sentence that lost a fifth of its words to fillers and restarts keeps about half its score. */
const DISFLUENCY_WEIGHT = 2.5;
/** Hedges and talk about the talk: a sentence full of them is thinking aloud, not a point. */
const HEDGES = /\b(?:i think|i guess|i mean|i don't know|you know|kind of|sort of|i'm not sure|i suppose|or something|or whatever|and stuff|and so on)\b/gi;

export function isSummaryCandidate(sentence: Sentence): boolean {
  return !sentence.isBackchannel && sentence.wordCount >= MIN_WORDS && new Set(sentence.terms).size >= MIN_DISTINCT_TERMS;
}

/**
 * Scores the candidate sentences (see isSummaryCandidate), in meeting order. Salience is SumBasic-like:
 * each distinct content term is worth log(its count in the meeting), so words said once count for nothing and
 * the meeting's recurring subjects count most; the sum is divided by √length so long run-ons do not win by size.
 */
export function scoreSentences(sentences: Sentence[]): ScoredSentence[] {
  const spoken = sentences.filter((sentence) => !sentence.isBackchannel && sentence.terms.length > 0);
  const counts = countTerms(spoken.flatMap((sentence) => sentence.terms));
  const idf = inverseSentenceFrequency(spoken);
  const lastAt = sentences[sentences.length - 1]?.at || 1;
  const speakerWeight = speakerWeights(spoken);
  const candidates = spoken.filter(isSummaryCandidate).map((sentence) => ({ sentence, vector: tfIdfVector(sentence.terms, idf) }));
  const centroid = meetingCentroid(candidates.map((candidate) => candidate.vector));
  return candidates.map(({ sentence, vector }) => {
    const distinct = [...new Set(sentence.terms)];
    const mass = distinct.reduce((sum, term) => sum + Math.log(counts.get(term) ?? 1), 0);
    const salience = (mass / Math.sqrt(sentence.wordCount)) * (CENTROID_FLOOR + dot(vector, centroid));
    const prior = priors(sentence, sentence.at / lastAt) * (speakerWeight.get(sentence.speaker) ?? 1);
    return { sentence, vector, salience, score: salience * prior };
  });
}

/**
 * The meeting's centre of gravity: the sum of its sentences' vectors, cut to the most weighty terms so that
 * the one-off words of a digression do not count (centroid summarization, Radev et al.).
 */
function meetingCentroid(vectors: TermVector[]): TermVector {
  const sum: TermVector = new Map();
  for (const vector of vectors) addInto(sum, vector);
  const top = [...sum].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, CENTROID_TERMS);
  return normalize(new Map(top));
}

/**
 * The people who carry a meeting (who talk the most) usually say what it is about; a guest's one remark rarely is.
 * From 0.85 for someone who barely spoke to 1.15 for the main speaker.
 */
function speakerWeights(sentences: Sentence[]): Map<string, number> {
  const words = new Map<string, number>();
  for (const sentence of sentences) words.set(sentence.speaker, (words.get(sentence.speaker) ?? 0) + sentence.wordCount);
  const most = Math.max(1, ...words.values());
  return new Map([...words].map(([speaker, count]) => [speaker, 0.85 + 0.3 * Math.sqrt(count / most)]));
}

function inverseSentenceFrequency(sentences: Sentence[]): Map<string, number> {
  const documentFrequency = countTerms(sentences.flatMap((sentence) => [...new Set(sentence.terms)]));
  const total = sentences.length + 1;
  return new Map([...documentFrequency].map(([term, df]) => [term, Math.log(total / df)]));
}

function tfIdfVector(terms: string[], idf: Map<string, number>): TermVector {
  const vector: TermVector = new Map();
  for (const [term, count] of countTerms(terms)) vector.set(term, count * (idf.get(term) ?? 0));
  return normalize(vector);
}

/**
 * Multiplicative priors: short fragments, rambling run-ons and hedged talk about talk rank lower, the opening,
 * framing and information-dense sentences higher.
 */
function priors(sentence: Sentence, relativePosition: number): number {
  const shortness = Math.min(1, sentence.wordCount / 12);
  const longness = sentence.wordCount > IDEAL_MAX_WORDS ? Math.sqrt(IDEAL_MAX_WORDS / sentence.wordCount) : 1;
  const opening = 1 + OPENING_BOOST * Math.max(0, 1 - relativePosition / OPENING_SHARE);
  const framing = FRAMING_CUES.test(sentence.text) ? FRAMING_FACTOR : 1;
  const question = sentence.isQuestion ? QUESTION_FACTOR : 1;
  const density = Math.min(1, sentence.terms.length / sentence.wordCount / DENSE_SHARE);
  const hedges = sentence.text.match(HEDGES)?.length ?? 0;
  const fluency = Math.max(0, 1 - DISFLUENCY_WEIGHT * sentence.disfluency);
  return shortness * longness * opening * framing * question * fluency * (0.5 + 0.5 * density) * HEDGE_FACTOR ** hedges;
}
