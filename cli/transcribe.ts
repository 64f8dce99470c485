import { access } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import type { Config } from '../config';
import { createTranscriptionProvider } from '../integrations';
import type { ParsedTranscript } from '../integrations/transcripts/types';

const clock = (seconds: number) => new Date(Math.round(seconds * 1000)).toISOString().slice(11, 19);

/** Transcribes one audio file with the configured provider (local Whisper once scripts/whisper.sh ran), offline. */
export async function transcribeFile(cfg: Config, file: string, language = 'auto', onProgress?: (fraction: number) => void): Promise<{ provider: string; transcript: ParsedTranscript }> {
  const filePath = path.resolve(file);
  await access(filePath).catch(() => {
    throw new Error(`${file}: no such file`);
  });
  const provider = createTranscriptionProvider(cfg, pino({ level: 'silent' }));
  try {
    return { provider: provider.name, transcript: await provider.transcribe({ recordingId: path.basename(filePath), filePath, language, onProgress }) };
  } finally {
    await (provider as { close?: () => Promise<void> }).close?.();
  }
}

export function printTranscript(transcript: ParsedTranscript): void {
  for (const segment of transcript.segments) console.log(`[${clock(segment.start)}] ${segment.speaker}: ${segment.text}`);
}
