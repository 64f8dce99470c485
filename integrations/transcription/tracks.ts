import { assembleTranscript, roundMs } from '../transcripts/assemble';
import type { ParsedTranscript, Segment, Word } from '../transcripts/types';
import type { TrackAudio, TranscriptionRequest } from './types';

export interface TrackTranscript {
  track: TrackAudio;
  transcript: ParsedTranscript;
}

/**
 * One meeting transcript from each person's own track: every segment and word moves to the meeting's timeline
 * (the track's offset + its local time) and belongs to the track's person, whatever labels the provider gave.
 * Any provider can use it: transcribe each track alone, then merge.
 */
export function mergeTrackTranscripts(parts: TrackTranscript[], language: string): ParsedTranscript {
  const segments: Segment[] = [];
  const words: Word[] = [];
  for (const { track, transcript } of parts) {
    const shift = (seconds: number) => roundMs(track.offsetSeconds + seconds);
    segments.push(...transcript.segments.map((segment) => ({ ...segment, speaker: track.speaker, start: shift(segment.start), end: shift(segment.end) })));
    words.push(...transcript.words.map((word) => ({ ...word, speaker: track.speaker, start: shift(word.start), end: shift(word.end) })));
  }
  const byTime = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start - b.start || a.end - b.end;
  segments.sort(byTime);
  words.sort(byTime);
  return { ...assembleTranscript(segments, { language: detectedLanguage(parts) ?? language, words }), confidence: meanConfidence(parts) };
}

/** Transcribes each track with `transcribeOne` (one after the other, progress spread over all) and merges them. */
export async function transcribeTracks(
  request: TranscriptionRequest & { tracks: TrackAudio[] },
  transcribeOne: (track: TrackAudio, onProgress: (fraction: number) => void) => Promise<ParsedTranscript>,
): Promise<ParsedTranscript> {
  const parts: TrackTranscript[] = [];
  for (const [index, track] of request.tracks.entries()) {
    const transcript = await transcribeOne(track, (fraction) => request.onProgress?.((index + fraction) / request.tracks.length));
    parts.push({ track, transcript });
  }
  return mergeTrackTranscripts(parts, request.language);
}

/** The language most of the speech was in (by segment count), when the tracks were detected rather than told. */
function detectedLanguage(parts: TrackTranscript[]): string | undefined {
  const counts = new Map<string, number>();
  for (const { transcript } of parts) counts.set(transcript.language, (counts.get(transcript.language) ?? 0) + transcript.segments.length);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

function meanConfidence(parts: TrackTranscript[]): number | null {
  const weighted = parts.filter(({ transcript }) => transcript.confidence !== null && transcript.segments.length > 0);
  const total = weighted.reduce((sum, { transcript }) => sum + transcript.segments.length, 0);
  if (total === 0) return null;
  return Math.round((1000 * weighted.reduce((sum, { transcript }) => sum + transcript.confidence! * transcript.segments.length, 0)) / total) / 1000;
}
