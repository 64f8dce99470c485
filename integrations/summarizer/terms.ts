import { STOPWORDS } from './stopwords';

/** Lowercase word tokens, apostrophes kept inside words ("don't"), hyphens kept ("kick-off"). */
export function wordTokens(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+(?:['’-][a-z0-9]+)*/g)?.map((token) => token.replace(/’/g, "'")) ?? [];
}

export function isContentWord(token: string): boolean {
  return token.length > 2 && !STOPWORDS.has(token) && !/^\d+$/.test(token);
}

/** Stems of the content words, in order (repeats kept). */
export function contentTerms(text: string): string[] {
  return contentTermsOf(wordTokens(text));
}

/** The same from tokens already split (a sentence keeps its tokens, so the text is tokenized once). */
export function contentTermsOf(tokens: readonly string[]): string[] {
  const terms: string[] = [];
  for (const token of tokens) {
    const word = withoutPossessive(token);
    if (isContentWord(word)) terms.push(lightStem(word));
  }
  return terms;
}

export function withoutPossessive(token: string): string {
  return token.endsWith("'s") ? token.slice(0, -2) : token;
}

/** A light suffix stripper (plurals, -ing, -ed): enough to fold "designs", "designing", "designed" together. */
export function lightStem(word: string): string {
  let stem = stems.get(word);
  if (stem === undefined) {
    stem = stemOf(word);
    if (stems.size < MAX_CACHED_STEMS) stems.set(word, stem);
  }
  return stem;
}

/** A meeting says the same few thousand words over and over: stem each once. */
const stems = new Map<string, string>();
const MAX_CACHED_STEMS = 50_000;

function stemOf(word: string): string {
  if (word.length <= 3) return word;
  let stem = word;
  if (stem.endsWith('ies') && stem.length > 4) stem = `${stem.slice(0, -3)}y`;
  else if (stem.endsWith('sses')) stem = stem.slice(0, -2);
  else if (stem.endsWith('s') && !/(ss|us|is)$/.test(stem)) stem = stem.slice(0, -1);
  if (stem.endsWith('ing') && stem.length > 5) stem = undouble(stem.slice(0, -3));
  else if (stem.endsWith('ed') && stem.length > 4) stem = undouble(stem.slice(0, -2));
  if (stem.endsWith('e') && stem.length > 4) stem = stem.slice(0, -1);
  return stem;
}

function undouble(stem: string): string {
  return /([bdfgmnprt])\1$/.test(stem) ? stem.slice(0, -1) : stem;
}
