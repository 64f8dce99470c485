import type { ParsedTranscript } from '../transcripts/types';

export interface TranscriptionRequest {
  recordingId: string;
  filePath?: string;
  fileUrl?: string;
  language: string;
  /** Expected number of speakers (participants), to guide diarization. */
  speakerCountHint?: number;
}

export interface TranscriptionProvider {
  readonly name: string;
  /** A cheap call that fails when the provider cannot be used (credentials, reachability); for /ready. */
  check?(): Promise<void>;
  transcribe(request: TranscriptionRequest): Promise<ParsedTranscript>;
}

/** The input can never be transcribed as it is (missing file, unreadable transcript): retrying will not help. */
export class UntranscribableError extends Error {
  override name = 'UntranscribableError';
}
