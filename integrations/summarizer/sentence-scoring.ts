import type { Sentence } from './sentences';
import { countTerms, normalize, type TermVector } from './vectors';

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
const QUESTION_FACTOR = 0.7;
const FRAMING_FACTOR = 1.2;
/** Sentences that frame the meeting ("the goal today", "we decided") say more per word than the talk around them. */
const FRAMING_CUES =
  /\b(?:agenda|meeting|purpose|goal|aim|objective|project|discuss|discussion|decide|decided|decision|agreed|conclusion|propose|proposal|plan|plans|issue|problem|next step|main point)\b/i;

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
  return spoken.filter(isSummaryCandidate).map((sentence) => {
    const distinct = [...new Set(sentence.terms)];
    const mass = distinct.reduce((sum, term) => sum + Math.log(counts.get(term) ?? 1), 0);
    const salience = mass / Math.sqrt(sentence.wordCount);
    return {
      sentence,
      vector: tfIdfVector(sentence.terms, idf),
      salience,
      score: salience * priors(sentence, sentence.at / lastAt),
    };
  });
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

/** Multiplicative priors: short fragments and rambling run-ons rank lower, the opening and framing sentences higher. */
function priors(sentence: Sentence, relativePosition: number): number {
  const shortness = Math.min(1, sentence.wordCount / 12);
  const longness = sentence.wordCount > IDEAL_MAX_WORDS ? Math.sqrt(IDEAL_MAX_WORDS / sentence.wordCount) : 1;
  const opening = 1 + OPENING_BOOST * Math.max(0, 1 - relativePosition / OPENING_SHARE);
  const framing = FRAMING_CUES.test(sentence.text) ? FRAMING_FACTOR : 1;
  const question = sentence.isQuestion ? QUESTION_FACTOR : 1;
  return shortness * longness * opening * framing * question;
}
