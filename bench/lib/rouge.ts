/** ROUGE-1, ROUGE-2 and ROUGE-L (F1, with precision and recall) computed the same way on both sides. */

export interface RougeScore {
  precision: number;
  recall: number;
  f1: number;
}

export interface RougeScores {
  rouge1: RougeScore;
  rouge2: RougeScore;
  rougeL: RougeScore;
}

export interface RougeOptions {
  /** Fold simple suffixes (-s, -ing, -ed, ...) on both sides; default true. */
  stem?: boolean;
}

export function rouge(candidate: string, reference: string, options: RougeOptions = {}): RougeScores {
  const candidateTokens = rougeTokens(candidate, options);
  const referenceTokens = rougeTokens(reference, options);
  return {
    rouge1: rougeN(candidateTokens, referenceTokens, 1),
    rouge2: rougeN(candidateTokens, referenceTokens, 2),
    rougeL: rougeL(candidateTokens, referenceTokens),
  };
}

/** Lowercase, split on anything that is not a letter or digit, optionally stemmed. */
export function rougeTokens(text: string, { stem = true }: RougeOptions = {}): string[] {
  const tokens = text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  return stem ? tokens.map(porterLiteStem) : tokens;
}

/** Clipped n-gram overlap: an n-gram counts at most as often as it occurs in the other text. */
export function rougeN(candidate: string[], reference: string[], n: number): RougeScore {
  const candidateGrams = nGramCounts(candidate, n);
  const referenceGrams = nGramCounts(reference, n);
  let overlap = 0;
  for (const [gram, count] of candidateGrams) overlap += Math.min(count, referenceGrams.get(gram) ?? 0);
  return score(overlap, Math.max(0, candidate.length - n + 1), Math.max(0, reference.length - n + 1));
}

/** Longest common subsequence over the whole token sequences (not the summary-level union LCS). */
export function rougeL(candidate: string[], reference: string[]): RougeScore {
  return score(lcsLength(candidate, reference), candidate.length, reference.length);
}

export function lcsLength(a: string[], b: string[]): number {
  let previous = new Array<number>(b.length + 1).fill(0);
  for (const tokenA of a) {
    const current = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      current[j] = tokenA === b[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
    }
    previous = current;
  }
  return previous[b.length];
}

function nGramCounts(tokens: string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const gram = tokens.slice(i, i + n).join(' ');
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

function score(overlap: number, candidateCount: number, referenceCount: number): RougeScore {
  const precision = candidateCount > 0 ? overlap / candidateCount : 0;
  const recall = referenceCount > 0 ? overlap / referenceCount : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}

/** Porter steps 1 and 5 (plurals, -ed, -ing, final e) and a few derivational endings; enough for ROUGE matching. */
export function porterLiteStem(word: string): string {
  if (word.length <= 3 || /^\d+$/.test(word)) return word;
  let stem = word;
  if (stem.endsWith('sses')) stem = stem.slice(0, -2);
  else if (stem.endsWith('ies')) stem = stem.slice(0, -2);
  else if (stem.endsWith('s') && !stem.endsWith('ss') && !stem.endsWith('us')) stem = stem.slice(0, -1);
  const suffix = /(?:ing|ed)$/.exec(stem);
  if (suffix && /[aeiouy]/.test(stem.slice(0, -suffix[0].length))) {
    stem = stem.slice(0, -suffix[0].length);
    if (/([^aeiouylsz])\1$/.test(stem)) stem = stem.slice(0, -1);
  }
  if (stem.endsWith('y') && /[aeiou].*[^aeiou]y$/.test(stem)) stem = `${stem.slice(0, -1)}i`;
  for (const [from, to] of DERIVATIONAL) {
    if (stem.endsWith(from) && stem.length - from.length >= 3) {
      stem = stem.slice(0, -from.length) + to;
      break;
    }
  }
  // Porter's step 5: a final e goes, so "use"/"used" and "make"/"making" meet.
  return stem.length > 2 && stem.endsWith('e') ? stem.slice(0, -1) : stem;
}

const DERIVATIONAL: ReadonlyArray<readonly [string, string]> = [
  ['ational', 'ate'],
  ['ization', 'ize'],
  ['fulness', 'ful'],
  ['ousness', 'ous'],
  ['iveness', 'ive'],
  ['tional', 'tion'],
  ['ement', ''],
  ['ment', ''],
  ['ness', ''],
  ['ly', ''],
];
