import type { Segment, Word } from './types';
import { TranscriptFormatError } from './transcript-format-error';

export interface MeetflowJsonTranscript {
  language?: string;
  segments: Segment[];
  /** Present only when every segment gave its own word timings. */
  words?: Word[];
}

type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Meetflow's own JSON: `{ language?, segments: [{ speaker, start, end, text, words? }] }` or the bare segments array.
 * Segments whose text is blank are dropped (silence is not speech); a missing speaker is 'Unknown'.
 */
export function parseMeetflowJson(json: unknown): MeetflowJsonTranscript {
  const rawSegments = Array.isArray(json) ? json : isJsonObject(json) ? json.segments : undefined;
  if (!Array.isArray(rawSegments)) {
    throw new TranscriptFormatError('Transcript JSON has no "segments" array');
  }
  const language = isJsonObject(json) ? readLanguage(json.language) : undefined;
  const parsed = rawSegments.map((raw, i) => readSegment(raw, `segments[${i}]`));
  const spoken = parsed.filter(({ segment }) => segment.text !== '');
  const everySegmentHasWords = spoken.length > 0 && spoken.every(({ words }) => words !== undefined);
  return {
    language,
    segments: spoken.map(({ segment }) => segment),
    words: everySegmentHasWords ? spoken.flatMap(({ words }) => words ?? []) : undefined,
  };
}

function readLanguage(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TranscriptFormatError('Transcript JSON "language" must be a non-empty string such as "en"');
  }
  return value.trim();
}

function readSegment(raw: unknown, where: string): { segment: Segment; words?: Word[] } {
  if (!isJsonObject(raw)) throw new TranscriptFormatError(`Transcript JSON ${where} must be an object`);
  const speaker = raw.speaker === undefined || raw.speaker === null ? 'Unknown' : readString(raw.speaker, `${where}.speaker`);
  const start = readSeconds(raw.start, `${where}.start`);
  const end = readSeconds(raw.end, `${where}.end`);
  if (end < start) throw new TranscriptFormatError(`Transcript JSON ${where} ends (${end}) before it starts (${start})`);
  const text = readString(raw.text, `${where}.text`).replace(/\s+/g, ' ').trim();
  const segment: Segment = { speaker: speaker.trim() || 'Unknown', start, end, text };
  if (raw.words === undefined || raw.words === null) return { segment };
  if (!Array.isArray(raw.words)) throw new TranscriptFormatError(`Transcript JSON ${where}.words must be an array`);
  const words = raw.words.map((word, j) => readWord(word, `${where}.words[${j}]`, segment.speaker));
  return { segment, words };
}

function readWord(raw: unknown, where: string, speaker: string): Word {
  if (!isJsonObject(raw)) throw new TranscriptFormatError(`Transcript JSON ${where} must be an object`);
  return {
    word: readString(raw.word, `${where}.word`),
    start: readSeconds(raw.start, `${where}.start`),
    end: readSeconds(raw.end, `${where}.end`),
    speaker,
  };
}

function readString(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new TranscriptFormatError(`Transcript JSON ${where} must be a string`);
  return value;
}

function readSeconds(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TranscriptFormatError(`Transcript JSON ${where} must be a non-negative number of seconds`);
  }
  return value;
}
