import type { Segment } from '../transcripts/types';
import { mergePrompt, partPrompt, wholeMeetingPrompt } from './summary-prompt';

/*
 * Transcript lines as the models read them, and the map-reduce over long meetings shared by every LLM summarizer:
 * each part is summarized on its own (map), then the part summaries are merged by more calls (reduce).
 */

/** ~4 characters per token: good enough to decide when to chunk, not for billing. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** 75 → "01:15", 3725 → "62:05". */
export function formatClock(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  return `${String(Math.floor(whole / 60)).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}`;
}

export function parseClock(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const [minutes, seconds] = value.split(':').map(Number);
  return minutes * 60 + seconds;
}

export function transcriptLine(segment: Segment): string {
  return `[${formatClock(segment.start)}] ${segment.speaker}: ${segment.text.replace(/\s+/g, ' ').trim()}`;
}

/**
 * Splits the transcript into consecutive chunks of at most `budgetTokens` (estimated) on segment boundaries.
 * A single segment longer than the budget is cut between words into pieces that keep its speaker, with start
 * times interpolated along the text.
 */
export function chunkSegments(segments: Segment[], budgetTokens: number): Segment[][] {
  const budget = Math.max(1, budgetTokens);
  const chunks: Segment[][] = [];
  let current: Segment[] = [];
  let used = 0;
  for (const piece of segments.flatMap((segment) => splitLongSegment(segment, budget))) {
    const cost = estimateTokens(transcriptLine(piece)) + 1;
    if (current.length > 0 && used + cost > budget) {
      chunks.push(current);
      current = [];
      used = 0;
    }
    current.push(piece);
    used += cost;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function splitLongSegment(segment: Segment, budget: number): Segment[] {
  if (estimateTokens(transcriptLine(segment)) + 1 <= budget) return [segment];
  const text = segment.text.replace(/\s+/g, ' ').trim();
  const maxChars = Math.max(16, (budget - 1) * 4 - transcriptLine({ ...segment, text: '' }).length);
  const timeAt = (offset: number): number => segment.start + ((segment.end - segment.start) * offset) / text.length;
  const pieces: Segment[] = [];
  let offset = 0;
  while (offset < text.length) {
    let cut = Math.min(text.length, offset + maxChars);
    if (cut < text.length) {
      const space = text.lastIndexOf(' ', cut);
      if (space > offset) cut = space;
    }
    pieces.push({ speaker: segment.speaker, start: timeAt(offset), end: timeAt(cut), text: text.slice(offset, cut).trim() });
    offset = cut + (text[cut] === ' ' ? 1 : 0);
  }
  return pieces;
}

/**
 * The whole meeting in one request when it fits `maxInputTokens`; otherwise one request per chunk and merges of
 * the part answers, in groups that fit the budget, until one answer is left. `ask` sends one user message.
 */
export async function summarizeInParts<Answer>(
  segments: Segment[],
  context: string,
  maxInputTokens: number,
  ask: (content: string) => Promise<Answer>,
): Promise<Answer> {
  const lines = segments.map(transcriptLine);
  if (estimateTokens(lines.join('\n')) <= maxInputTokens) return ask(wholeMeetingPrompt(context, lines));
  const chunks = chunkSegments(segments, maxInputTokens);
  const parts: Answer[] = [];
  for (const [index, chunk] of chunks.entries()) {
    const range = `${formatClock(chunk[0].start)} to ${formatClock(chunk[chunk.length - 1].end)}`;
    parts.push(await ask(partPrompt(context, index, chunks.length, range, chunk.map(transcriptLine))));
  }
  return reduce(parts, context, maxInputTokens, ask);
}

async function reduce<Answer>(parts: Answer[], context: string, maxInputTokens: number, ask: (content: string) => Promise<Answer>): Promise<Answer> {
  let level = parts;
  while (level.length > 1) {
    const next: Answer[] = [];
    for (const members of groupsWithin(level, maxInputTokens)) {
      next.push(members.length === 1 ? members[0] : await ask(mergePrompt(context, members.map((part) => JSON.stringify(part)))));
    }
    level = next;
  }
  return level[0];
}

function groupsWithin<Answer>(level: Answer[], maxInputTokens: number): Answer[][] {
  const groups: Answer[][] = [];
  let group: Answer[] = [];
  let used = 0;
  for (const part of level) {
    const cost = estimateTokens(JSON.stringify(part));
    if (group.length >= 2 && used + cost > maxInputTokens) {
      groups.push(group);
      group = [];
      used = 0;
    }
    group.push(part);
    used += cost;
  }
  groups.push(group);
  return groups;
}
