import type { SummaryTopic } from './types';
import type { Sentence } from './sentences';
import { namesNoSubject } from './stopwords';
import { isContentWord, lightStem, withoutPossessive } from './terms';
import { cosine, countTerms } from './vectors';

const MIN_TOPICS = 3;
const MAX_TOPICS = 7;
const WORDS_PER_TOPIC = 1500;
const BLOCK_TERMS = 20;
const WINDOW_BLOCKS = 3;
const KEYWORDS_PER_TOPIC = 5;

interface Block {
  sentences: Sentence[];
  terms: string[];
}

/**
 * TextTiling: the meeting is cut into blocks of about 20 content words; where the vocabulary of the blocks
 * before and after a gap differs most (the deepest valleys of similarity), a new topic starts.
 */
export function segmentTopics(sentences: Sentence[], meetingEnd: number): SummaryTopic[] {
  const blocks = buildBlocks(sentences.filter((sentence) => !sentence.isBackchannel && sentence.terms.length > 0));
  if (blocks.length === 0) return [];
  const meetingWords = sentences.reduce((sum, sentence) => sum + sentence.wordCount, 0);
  const wanted = Math.min(MAX_TOPICS, Math.max(MIN_TOPICS, Math.round(meetingWords / WORDS_PER_TOPIC)));
  const topicCount = Math.max(1, Math.min(wanted, Math.floor(blocks.length / 2)));
  const parts = splitAt(blocks, boundaries(blocks, topicCount - 1));
  const vocabulary = surfaceForms(sentences);
  const topicCounts = parts.map((part) => countTerms(part.flatMap((block) => block.sentences).flatMap(keyPhrases)));
  const topicsUsing = countTerms(topicCounts.flatMap((counts) => [...counts.keys()]));
  return parts.map((part, i) => {
    const keywords = distinctiveKeywords(topicCounts[i], topicsUsing, parts.length).map((key) => vocabulary.display(key));
    const start = part[0].sentences[0].at;
    const end = i + 1 < parts.length ? parts[i + 1][0].sentences[0].at : meetingEnd;
    return { title: titleFrom(keywords), keywords, start, end };
  });
}

function buildBlocks(sentences: Sentence[]): Block[] {
  const blocks: Block[] = [];
  let current: Block = { sentences: [], terms: [] };
  for (const sentence of sentences) {
    current.sentences.push(sentence);
    current.terms.push(...sentence.terms);
    if (current.terms.length >= BLOCK_TERMS) {
      blocks.push(current);
      current = { sentences: [], terms: [] };
    }
  }
  if (current.sentences.length > 0) blocks.push(current);
  return blocks;
}

/** Indexes of the blocks that start a new topic: the deepest similarity valleys, at least two blocks apart. */
function boundaries(blocks: Block[], count: number): number[] {
  const gaps = blocks.slice(1).map((_, i) => ({ index: i + 1, similarity: windowSimilarity(blocks, i + 1) }));
  const depths = gaps.map((gap, i) => ({
    index: gap.index,
    depth: peak(gaps, i, -1) - gap.similarity + peak(gaps, i, 1) - gap.similarity,
  }));
  const chosen: number[] = [];
  for (const { index } of [...depths].sort((a, b) => b.depth - a.depth || a.index - b.index)) {
    if (chosen.length >= count) break;
    if (index < 2 || index > blocks.length - 2) continue;
    if (chosen.every((other) => Math.abs(other - index) >= 2)) chosen.push(index);
  }
  return chosen.sort((a, b) => a - b);
}

function windowSimilarity(blocks: Block[], gap: number): number {
  const before = blocks.slice(Math.max(0, gap - WINDOW_BLOCKS), gap).flatMap((block) => block.terms);
  const after = blocks.slice(gap, gap + WINDOW_BLOCKS).flatMap((block) => block.terms);
  return cosine(countTerms(before), countTerms(after));
}

/** The highest similarity reached walking away from a gap while it keeps rising. */
function peak(gaps: Array<{ similarity: number }>, from: number, step: 1 | -1): number {
  let highest = gaps[from].similarity;
  for (let i = from + step; i >= 0 && i < gaps.length && gaps[i].similarity >= highest; i += step) highest = gaps[i].similarity;
  return highest;
}

function splitAt(blocks: Block[], starts: number[]): Block[][] {
  return [0, ...starts].map((start, i) => blocks.slice(start, starts[i] ?? blocks.length));
}

/** Content-word stems and adjacent content-word pairs ("remote control"), the candidates for keywords. */
function keyPhrases(sentence: Sentence): string[] {
  const tokens = sentence.tokens.map(withoutPossessive);
  const phrases: string[] = [];
  tokens.forEach((token, i) => {
    if (!isContentWord(token)) return;
    const noSubject = namesNoSubject(token);
    if (!noSubject) phrases.push(lightStem(token));
    const next = tokens[i + 1];
    if (next && isContentWord(next) && !(noSubject && namesNoSubject(next))) phrases.push(`${lightStem(token)} ${lightStem(next)}`);
  });
  return phrases;
}

/** Ranks a topic's phrases by count × how few other topics use them; a pair said twice beats its single words. */
function distinctiveKeywords(counts: Map<string, number>, topicsUsing: Map<string, number>, topicCount: number): string[] {
  const scored = [...counts]
    .filter(([phrase, count]) => !phrase.includes(' ') || count >= 2)
    .map(([phrase, count]) => {
      const rarity = Math.log((topicCount + 1) / (topicsUsing.get(phrase) ?? 1)) + 0.1;
      return { phrase, score: count * rarity * (phrase.includes(' ') ? 1.5 : 1) };
    })
    .sort((a, b) => b.score - a.score || a.phrase.localeCompare(b.phrase));
  const keywords: string[] = [];
  for (const { phrase } of scored) {
    if (keywords.length >= KEYWORDS_PER_TOPIC) break;
    const overlaps = keywords.some((kept) => kept.split(' ').some((word) => phrase.split(' ').includes(word)));
    if (!overlaps) keywords.push(phrase);
  }
  return keywords;
}

/** Maps stems back to the form most often said ("remot control" → "remote control"). */
function surfaceForms(sentences: Sentence[]): { display: (phrase: string) => string } {
  const seen = new Map<string, Map<string, number>>();
  for (const sentence of sentences) {
    for (const token of sentence.tokens.map(withoutPossessive)) {
      if (!isContentWord(token)) continue;
      const forms = seen.get(lightStem(token)) ?? new Map<string, number>();
      forms.set(token, (forms.get(token) ?? 0) + 1);
      seen.set(lightStem(token), forms);
    }
  }
  const best = (stem: string): string => {
    const forms = [...(seen.get(stem) ?? new Map<string, number>())];
    return forms.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? stem;
  };
  return { display: (phrase) => phrase.split(' ').map(best).join(' ') };
}

function titleFrom(keywords: string[]): string {
  const title = keywords.slice(0, 3).join(', ');
  return title.charAt(0).toUpperCase() + title.slice(1);
}
