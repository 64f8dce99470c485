/**
 * Seeded meeting transcripts for bench/search, in the shape the pipeline stores them ("Speaker: text" lines).
 * Vocabulary and sentences come from the QMSum meetings: about half of each transcript is real sentences drawn
 * at random, the rest sentences whose words are drawn from the corpus vocabulary with Zipf frequencies
 * (weight 1/rank), so common words are in nearly every transcript and the long tail in few. Lengths are
 * log-normal around 800 words (mean about 950, from 120 to 5,000), like meetings of 5 to 40 minutes.
 */
import { existsSync } from 'node:fs';
import { loadQmsumMeetings, type QmsumMeeting } from './qmsum-fixtures';

const REAL_SENTENCE_SHARE = 0.5;
const MEDIAN_WORDS = 800;
const LENGTH_SIGMA = 0.6;
const MIN_WORDS = 120;
const MAX_WORDS = 5000;
const NAMES = ['Alice', 'Bruno', 'Chen', 'Dara', 'Emeka', 'Farah', 'Greta', 'Hiro', 'Ines', 'Jonas', 'Kemi', 'Lars', 'Maya', 'Nikhil', 'Olga', 'Pablo', 'Quinn', 'Rosa', 'Sven', 'Tariq'];

export interface CorpusModel {
  sentences: string[];
  /** Words by corpus frequency, most frequent first. */
  vocabulary: string[];
  /** Cumulative Zipf weights over `vocabulary`, for sampling by binary search. */
  cumulative: number[];
  meetings: number;
}

/** Every QMSum meeting in these folders (each name once), cut into sentences and counted into a vocabulary. */
export function loadCorpusModel(directories: string[]): CorpusModel {
  const meetings = new Map<string, QmsumMeeting>();
  for (const directory of directories.filter((dir) => existsSync(dir))) {
    for (const meeting of loadQmsumMeetings(directory)) meetings.set(meeting.name, meeting);
  }
  const sentences = [...meetings.values()].flatMap((meeting) => meeting.segments.flatMap((segment) => splitSentences(segment.text)));
  const vocabulary = rankWords(sentences);
  return { sentences, vocabulary, cumulative: zipfCumulative(vocabulary.length), meetings: meetings.size };
}

function splitSentences(text: string): string[] {
  return text.split(/(?<=[.?!])\s+/).filter((sentence) => {
    const words = sentence.split(' ').length;
    return words >= 4 && words <= 40;
  });
}

function rankWords(sentences: string[]): string[] {
  const counts = new Map<string, number>();
  for (const sentence of sentences) {
    for (const word of sentence.toLowerCase().match(/[a-z][a-z']*/g) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([word]) => word);
}

function zipfCumulative(size: number): number[] {
  const cumulative = new Array<number>(size);
  let total = 0;
  for (let rank = 1; rank <= size; rank++) {
    total += 1 / rank;
    cumulative[rank - 1] = total;
  }
  return cumulative;
}

/** mulberry32: a small, fast, seeded generator (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedTranscript {
  text: string;
  words: number;
  speakers: number;
  /** The same turns as the pipeline stores them, timed at ~150 words a minute (what /ask quotes and links to). */
  segments: { speaker: string; start: number; end: number; text: string }[];
}

const WORDS_PER_SECOND = 2.5;

export class TranscriptGenerator {
  private readonly random: () => number;

  constructor(
    private readonly model: CorpusModel,
    seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  next(): GeneratedTranscript {
    const target = this.length();
    const speakers = this.pickSpeakers(3 + Math.floor(this.random() * 4));
    const segments: GeneratedTranscript['segments'] = [];
    let words = 0;
    while (words < target) {
      const turn = this.turn(1 + Math.floor(this.random() * 4));
      const start = words / WORDS_PER_SECOND;
      words += turn.split(' ').length;
      segments.push({ speaker: speakers[Math.floor(this.random() * speakers.length)], start, end: words / WORDS_PER_SECOND, text: turn });
    }
    return { text: segments.map((segment) => `${segment.speaker}: ${segment.text}`).join('\n'), words, speakers: speakers.length, segments };
  }

  /** Log-normal by Box-Muller, clamped to a meeting's plausible range. */
  private length(): number {
    const normal = Math.sqrt(-2 * Math.log(1 - this.random())) * Math.cos(2 * Math.PI * this.random());
    return Math.min(MAX_WORDS, Math.max(MIN_WORDS, Math.round(MEDIAN_WORDS * Math.exp(LENGTH_SIGMA * normal))));
  }

  private pickSpeakers(count: number): string[] {
    const pool = [...NAMES];
    return Array.from({ length: count }, () => pool.splice(Math.floor(this.random() * pool.length), 1)[0]);
  }

  private turn(sentences: number): string {
    return Array.from({ length: sentences }, () => (this.random() < REAL_SENTENCE_SHARE ? this.realSentence() : this.zipfSentence())).join(' ');
  }

  private realSentence(): string {
    const { sentences } = this.model;
    return sentences[Math.floor(this.random() * sentences.length)];
  }

  private zipfSentence(): string {
    const words = Array.from({ length: 6 + Math.floor(this.random() * 13) }, () => this.zipfWord());
    const sentence = words.join(' ');
    return `${sentence[0].toUpperCase()}${sentence.slice(1)}.`;
  }

  private zipfWord(): string {
    const { cumulative, vocabulary } = this.model;
    const target = this.random() * cumulative[cumulative.length - 1];
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (cumulative[middle] < target) low = middle + 1;
      else high = middle;
    }
    return vocabulary[low];
  }
}
