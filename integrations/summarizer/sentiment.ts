import type { Sentence } from './sentences';
import { NEGATIVE_WORDS, NEGATORS, POSITIVE_WORDS } from './sentiment-lexicon';
import { wordTokens } from './terms';

const NEGATION_WINDOW = 3;
/** Keeps a meeting with one "great" from scoring +1: the score approaches ±1 only with many one-sided words. */
const SMOOTHING = 3;

/** Lexicon score in [-1, 1]: (positive − negative) / (positive + negative + 3), acknowledgements ignored. */
export function sentimentScore(sentences: Sentence[]): number {
  let positive = 0;
  let negative = 0;
  for (const sentence of sentences) {
    if (sentence.isBackchannel) continue;
    const polarity = polarityOfTokens(sentence.tokens);
    positive += polarity.positive;
    negative += polarity.negative;
  }
  return Math.round(((positive - negative) / (positive + negative + SMOOTHING)) * 100) / 100;
}

export function polarityCounts(text: string): { positive: number; negative: number } {
  return polarityOfTokens(wordTokens(text));
}

function polarityOfTokens(tokens: readonly string[]): { positive: number; negative: number } {
  let positive = 0;
  let negative = 0;
  tokens.forEach((token, i) => {
    const polarity = POSITIVE_WORDS.has(token) ? 1 : NEGATIVE_WORDS.has(token) ? -1 : 0;
    if (polarity === 0) return;
    const signed = isNegated(tokens, i) ? -polarity : polarity;
    if (signed > 0) positive++;
    else negative++;
  });
  return { positive, negative };
}

function isNegated(tokens: readonly string[], index: number): boolean {
  return tokens
    .slice(Math.max(0, index - NEGATION_WINDOW), index)
    .some((token) => NEGATORS.has(token) || token.endsWith("n't"));
}
