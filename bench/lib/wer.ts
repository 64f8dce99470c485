/** Words as speech-to-text is judged on them: lower case, no punctuation, digits kept. */
export function werTokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’']/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .split(' ')
    .filter(Boolean);
}

/** Word edit distance (substitutions + deletions + insertions) between two word lists. */
export function wordEditDistance(reference: string[], hypothesis: string[]): number {
  let previous = Array.from({ length: hypothesis.length + 1 }, (_, j) => j);
  for (let i = 1; i <= reference.length; i++) {
    const current = [i];
    for (let j = 1; j <= hypothesis.length; j++) {
      const substitution = previous[j - 1] + (reference[i - 1] === hypothesis[j - 1] ? 0 : 1);
      current.push(Math.min(substitution, previous[j] + 1, current[j - 1] + 1));
    }
    previous = current;
  }
  return previous[hypothesis.length];
}

/** Word error rate of a transcript against the reference script (0 = perfect; can pass 1 with many insertions). */
export function wordErrorRate(reference: string, hypothesis: string): number {
  const expected = werTokens(reference);
  if (expected.length === 0) throw new Error('the reference has no words');
  return wordEditDistance(expected, werTokens(hypothesis)) / expected.length;
}
