import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ParsedTranscript } from './types';
import { assembleTranscript } from './assemble';
import { parseJsonOrThrow } from './json-syntax';
import { parseMeetflowJson } from './meetflow-json';
import { looksLikeQmsum, parseQmsum } from './qmsum';
import { TranscriptFormatError } from './transcript-format-error';
import { looksLikeWebVtt, parseWebVtt, webVttLanguage } from './webvtt';

export { TranscriptFormatError } from './transcript-format-error';

/**
 * Parses a WebVTT, Meetflow JSON or QMSum JSON transcript. The format is detected from the content;
 * the file extension only decides which error to give when the content is neither.
 * The result's `text` is one line per segment, "Speaker: text". A file with no speech gives zero segments.
 */
export function parseTranscript(content: string, fileName: string): ParsedTranscript {
  const normalized = content.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const extension = path.extname(fileName).toLowerCase();
  if (normalized.trim() === '') throw new TranscriptFormatError(`Transcript "${fileName}" is empty`);
  if (looksLikeWebVtt(normalized)) return parseWebVttTranscript(normalized);
  if (/^\s*[[{]/.test(normalized) || extension === '.json') return parseJsonTranscript(normalized);
  if (extension === '.vtt') return parseWebVttTranscript(normalized);
  throw new TranscriptFormatError(`Transcript "${fileName}" is neither WebVTT nor JSON`);
}

export async function parseTranscriptFile(filePath: string): Promise<ParsedTranscript> {
  return parseTranscript(await readFile(filePath, 'utf8'), path.basename(filePath));
}

function parseWebVttTranscript(content: string): ParsedTranscript {
  return assembleTranscript(parseWebVtt(content), { language: webVttLanguage(content) });
}

function parseJsonTranscript(content: string): ParsedTranscript {
  const json = parseJsonOrThrow(content);
  if (looksLikeQmsum(json)) return assembleTranscript(parseQmsum(json));
  const { language, segments, words } = parseMeetflowJson(json);
  return assembleTranscript(segments, { language, words });
}
