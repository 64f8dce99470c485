import type { ParsedTranscript, Segment, Word } from './types';

export interface AssembleOptions {
  language?: string;
  /** Word timings from the source; when absent they are spread evenly over each segment. */
  words?: Word[];
}

/**
 * Builds the stored transcript from its segments.
 * `text` has one line per segment, "Speaker: text", in order.
 */
export function assembleTranscript(segments: Segment[], options: AssembleOptions = {}): ParsedTranscript {
  return {
    text: segments.map((segment) => `${segment.speaker}: ${segment.text}`).join('\n'),
    language: options.language ?? 'en',
    segments,
    words: options.words ?? segments.flatMap(spreadWordsOverSegment),
    confidence: null,
    speakers: speakersInOrderOfFirstSpeech(segments),
  };
}

export function speakersInOrderOfFirstSpeech(segments: Segment[]): string[] {
  return [...new Set(segments.map((segment) => segment.speaker))];
}

function spreadWordsOverSegment(segment: Segment): Word[] {
  const tokens = segment.text.split(/\s+/).filter(Boolean);
  const step = (segment.end - segment.start) / Math.max(tokens.length, 1);
  return tokens.map((word, i) => ({
    word,
    start: roundMs(segment.start + i * step),
    end: roundMs(segment.start + (i + 1) * step),
    speaker: segment.speaker,
  }));
}

export function roundMs(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
