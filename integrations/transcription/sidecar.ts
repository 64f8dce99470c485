import { access } from 'node:fs/promises';
import path from 'node:path';
import { parseTranscriptFile, TranscriptFormatError } from '../transcripts/parse';
import type { ParsedTranscript } from '../transcripts/types';
import { type TranscriptionProvider, type TranscriptionRequest, UntranscribableError } from './types';

const SIDECAR_SUFFIXES = ['.vtt', '.transcript.json', '.json'];
const TRANSCRIPT_EXTENSIONS = ['.vtt', '.json'];

const exists = (file: string) => access(file).then(() => true, () => false);

/** Where a recording's transcript may sit: next to it with the same base name, or the file itself. */
export function sidecarCandidates(recordingPath: string): string[] {
  const extension = path.extname(recordingPath).toLowerCase();
  if (TRANSCRIPT_EXTENSIONS.includes(extension)) return [recordingPath];
  const base = recordingPath.slice(0, recordingPath.length - extension.length);
  return SIDECAR_SUFFIXES.map((suffix) => base + suffix);
}

/**
 * The embedded transcription default: reads the transcript that sits next to the recording (WebVTT, Meetflow
 * JSON or QMSum JSON) instead of running speech-to-text.
 */
export class SidecarTranscriptionProvider implements TranscriptionProvider {
  readonly name = 'sidecar';

  async transcribe(request: TranscriptionRequest): Promise<ParsedTranscript> {
    const recordingPath = request.filePath ?? (request.fileUrl?.startsWith('file://') ? new URL(request.fileUrl).pathname : undefined);
    if (!recordingPath) {
      throw new UntranscribableError(`recording ${request.recordingId} has no local file, and the sidecar transcriber reads only local files`);
    }
    const candidates = sidecarCandidates(recordingPath);
    for (const candidate of candidates) {
      if (await exists(candidate)) return this.parse(candidate, request);
    }
    throw new UntranscribableError(`no transcript next to recording ${request.recordingId}: looked for ${candidates.join(', ')}`);
  }

  private async parse(file: string, request: TranscriptionRequest): Promise<ParsedTranscript> {
    try {
      const transcript = await parseTranscriptFile(file);
      return { ...transcript, language: transcript.language || request.language };
    } catch (error) {
      if (error instanceof TranscriptFormatError) throw new UntranscribableError(`${path.basename(file)}: ${error.message}`);
      throw error;
    }
  }
}
