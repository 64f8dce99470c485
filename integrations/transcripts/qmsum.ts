import type { Segment } from './types';
import { roundMs } from './assemble';
import { isJsonObject } from './meetflow-json';
import { TranscriptFormatError } from './transcript-format-error';

const SECONDS_PER_WORD = 60 / 150;
const MIN_TURN_SECONDS = 0.6;

export function looksLikeQmsum(json: unknown): boolean {
  return isJsonObject(json) && 'meeting_transcripts' in json;
}

/**
 * QMSum turns `{ speaker, content }` carry no times: each turn lasts its word count at 150 words a minute
 * (at least 0.6 s), one after the other with no gaps. Turns that are only annotation marks are dropped.
 */
export function parseQmsum(json: unknown): Segment[] {
  const turns = isJsonObject(json) ? json.meeting_transcripts : undefined;
  if (!Array.isArray(turns)) throw new TranscriptFormatError('QMSum JSON "meeting_transcripts" must be an array');
  let clock = 0;
  const segments: Segment[] = [];
  turns.forEach((turn, i) => {
    const { speaker, content } = readTurn(turn, i);
    const text = cleanQmsumText(content);
    if (!text) return;
    const duration = Math.max(MIN_TURN_SECONDS, text.split(' ').length * SECONDS_PER_WORD);
    segments.push({ speaker, start: roundMs(clock), end: roundMs(clock + duration), text });
    clock += duration;
  });
  return segments;
}

function readTurn(turn: unknown, index: number): { speaker: string; content: string } {
  const where = `QMSum JSON meeting_transcripts[${index}]`;
  if (!isJsonObject(turn)) throw new TranscriptFormatError(`${where} must be an object`);
  if (typeof turn.content !== 'string') throw new TranscriptFormatError(`${where}.content must be a string`);
  const speaker = typeof turn.speaker === 'string' && turn.speaker.trim() ? turn.speaker.trim() : 'Unknown';
  return { speaker, content: turn.content };
}

/** Drops annotation marks ({vocalsound}, {disfmarker}, ...) and undoes the corpus' spaced tokenization. */
export function cleanQmsumText(content: string): string {
  return content
    .replace(/\{[^{}]*\}/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/ (n't|'s|'re|'ve|'ll|'d|'m)\b/gi, '$1')
    .replace(/ ([.,?!;:%])/g, '$1')
    .replace(/([.,?!;:])(?:\s*\1)+/g, '$1')
    .replace(/^[\s.,?!;:]+/, '')
    .trim();
}
