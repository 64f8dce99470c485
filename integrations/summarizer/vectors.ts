/** Sparse term vectors. */
export type TermVector = Map<string, number>;

export function dot(a: TermVector, b: TermVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let sum = 0;
  for (const [term, weight] of small) sum += weight * (large.get(term) ?? 0);
  return sum;
}

/** dot(normalize(a), normalize(b)) without building the normalized copies. */
export function cosine(a: TermVector, b: TermVector): number {
  const lengths = Math.sqrt(squaredLength(a) * squaredLength(b));
  return lengths === 0 ? 0 : dot(a, b) / lengths;
}

function squaredLength(vector: TermVector): number {
  let sum = 0;
  for (const weight of vector.values()) sum += weight * weight;
  return sum;
}

export function normalize(vector: TermVector): TermVector {
  const length = Math.sqrt([...vector.values()].reduce((sum, weight) => sum + weight * weight, 0));
  if (length === 0) return vector;
  return new Map([...vector].map(([term, weight]) => [term, weight / length]));
}

export function addInto(target: TermVector, vector: TermVector): void {
  for (const [term, weight] of vector) target.set(term, (target.get(term) ?? 0) + weight);
}

export function countTerms(terms: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

/** |A ∩ B| / |A ∪ B| of two term lists (as sets). */
export function jaccard(a: readonly string[], b: readonly string[]): number {
  const setA = new Set(a);
  const setB = new Set(b);
  if (setA.size === 0 && setB.size === 0) return 1;
  let shared = 0;
  for (const term of setA) if (setB.has(term)) shared++;
  return shared / (setA.size + setB.size - shared);
}
