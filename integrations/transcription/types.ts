import type { ParsedTranscript } from '../transcripts/types';

/** One person's own audio (a part of a per-track recording): every word in it is theirs. */
export interface TrackAudio {
  filePath: string;
  /** The speaker's real name. */
  speaker: string;
  /** Where the file starts on the recording's timeline, in seconds. */
  offsetSeconds: number;
}

export interface TranscriptionRequest {
  recordingId: string;
  filePath?: string;
  fileUrl?: string;
  language: string;
  /** Expected number of speakers (participants), to guide diarization. */
  speakerCountHint?: number;
  /** Per-person tracks (Meetflow's own recorder): transcribe each and merge on the timeline; no diarization needed. */
  tracks?: TrackAudio[];
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
