import type { Segment } from './types';
import { roundMs } from './assemble';
import { TranscriptFormatError } from './transcript-format-error';

interface Block {
  firstLine: number;
  lines: string[];
}

interface VoiceRun {
  speaker: string;
  text: string;
}

const TIMESTAMP = /^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$/;
const IGNORED_BLOCK = /^(NOTE|STYLE|REGION)(\s|$)/;
const UNKNOWN_SPEAKER = 'Unknown';

export function looksLikeWebVtt(content: string): boolean {
  return /^WEBVTT(?:[ \t]|$)/.test(content.split('\n', 1)[0]);
}

/** The "Language: de" metadata line some tools write in the header block. */
export function webVttLanguage(content: string): string | undefined {
  const [header] = splitBlocks(content);
  const line = header?.lines.find((candidate) => /^Language:\s*\S/i.test(candidate));
  return line?.replace(/^Language:\s*/i, '').trim();
}

/** Cues to segments; a cue with several voices becomes one segment per voice, its time shared by word count. */
export function parseWebVtt(content: string): Segment[] {
  if (!looksLikeWebVtt(content)) {
    throw new TranscriptFormatError('WebVTT file must start with a "WEBVTT" header line');
  }
  const [header, ...cueBlocks] = splitBlocks(content);
  const timingInHeader = header.lines.findIndex((line) => line.includes('-->'));
  if (timingInHeader >= 0) {
    throw new TranscriptFormatError(
      `WebVTT cue at line ${header.firstLine + timingInHeader} must be separated from the "WEBVTT" header by a blank line`,
    );
  }
  return cueBlocks.filter((block) => !IGNORED_BLOCK.test(block.lines[0])).flatMap(parseCue);
}

function splitBlocks(content: string): Block[] {
  const blocks: Block[] = [];
  let current: Block | undefined;
  content.split('\n').forEach((line, i) => {
    if (line.trim() === '') {
      current = undefined;
      return;
    }
    if (!current) {
      current = { firstLine: i + 1, lines: [] };
      blocks.push(current);
    }
    current.lines.push(line);
  });
  return blocks;
}

function parseCue(block: Block): Segment[] {
  const timingIndex = block.lines.findIndex((line) => line.includes('-->'));
  if (timingIndex < 0 || timingIndex > 1) {
    throw new TranscriptFormatError(
      `WebVTT block at line ${block.firstLine} has no cue timing line (expected "00:00:01.000 --> 00:00:04.000")`,
    );
  }
  const timingLine = block.firstLine + timingIndex;
  const { start, end } = parseTiming(block.lines[timingIndex], timingLine);
  const payload = block.lines
    .slice(timingIndex + 1)
    .map((line) => line.trim())
    .join(' ');
  return splitTimeByWords(voiceRuns(payload), start, end);
}

function parseTiming(line: string, lineNumber: number): { start: number; end: number } {
  const match = /^\s*(\S+)\s+-->\s+(\S+)/.exec(line);
  if (!match) {
    throw new TranscriptFormatError(`WebVTT cue at line ${lineNumber} has a malformed timing line "${line.trim()}"`);
  }
  const start = parseTimestamp(match[1], lineNumber);
  const end = parseTimestamp(match[2], lineNumber);
  if (end < start) {
    throw new TranscriptFormatError(`WebVTT cue at line ${lineNumber} ends (${match[2]}) before it starts (${match[1]})`);
  }
  return { start, end };
}

function parseTimestamp(value: string, lineNumber: number): number {
  const match = TIMESTAMP.exec(value);
  if (!match) {
    throw new TranscriptFormatError(
      `WebVTT cue at line ${lineNumber} has an invalid timestamp "${value}" (expected hh:mm:ss.mmm or mm:ss.mmm)`,
    );
  }
  const [, hours = '0', minutes, seconds, millis] = match;
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds) + Number(millis) / 1000;
}

/** Splits a cue payload at its voice tags (`<v Alice>`, `<v.loud Bob>`); text outside any voice is 'Unknown'. */
function voiceRuns(payload: string): VoiceRun[] {
  const runs: VoiceRun[] = [];
  let speaker = UNKNOWN_SPEAKER;
  for (const piece of payload.split(/(<v(?:\.[^\s>]+)*(?:\s+[^>]*)?>|<\/v>)/)) {
    const voice = /^<v(?:\.[^\s>]+)*(?:\s+([^>]*))?>$/.exec(piece);
    if (voice) speaker = voice[1]?.trim() || UNKNOWN_SPEAKER;
    else if (piece === '</v>') speaker = UNKNOWN_SPEAKER;
    else appendRun(runs, speaker, cleanCueText(piece));
  }
  return runs;
}

function appendRun(runs: VoiceRun[], speaker: string, text: string): void {
  if (!text) return;
  const last = runs[runs.length - 1];
  if (last?.speaker === speaker) last.text = `${last.text} ${text}`;
  else runs.push({ speaker, text });
}

function cleanCueText(text: string): string {
  return decodeEntities(text.replace(/<[^>]*>/g, ''))
    .replace(/\s+/g, ' ')
    .trim();
}

function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', lrm: '', rlm: '' };
  return text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCodePoint(parseInt(code, 16)))
    .replace(/&([a-z]+);/gi, (entity, name: string) => named[name.toLowerCase()] ?? entity);
}

function splitTimeByWords(runs: VoiceRun[], start: number, end: number): Segment[] {
  const counts = runs.map((run) => run.text.split(' ').length);
  const total = counts.reduce((sum, n) => sum + n, 0);
  let cursor = start;
  return runs.map((run, i) => {
    const runEnd = i === runs.length - 1 ? end : cursor + ((end - start) * counts[i]) / total;
    const segment = { speaker: run.speaker, start: roundMs(cursor), end: roundMs(runEnd), text: run.text };
    cursor = runEnd;
    return segment;
  });
}
