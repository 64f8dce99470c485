import type { ParsedTranscript } from '../transcripts/types';

/** One person's own audio track of a meeting, and where it starts on the meeting's timeline. */
export interface TrackAudio {
  filePath: string;
  /** The person's real name: every line of this track is theirs. */
  speaker: string;
  /** Seconds from the start of the meeting's timeline to the start of this file. */
  offsetSeconds: number;
}

export interface TranscriptionRequest {
  recordingId: string;
  filePath?: string;
  fileUrl?: string;
  /** The meeting's language (BCP-47 or two letters), or 'auto' to detect it. */
  language: string;
  /** Expected number of speakers (participants), to guide diarization. */
  speakerCountHint?: number;
  /** Each person's own track: transcribed one by one and merged into one timeline with real names. */
  tracks?: TrackAudio[];
  /** Called as the work advances (0..1), so the activity can heartbeat. */
  onProgress?: (fraction: number) => void;
  /**
   * Recognitions a provider already started for this recording (an earlier attempt's), by audio source: the
   * provider follows those instead of starting again. Providers without server-side jobs ignore it.
   */
  operations?: Record<string, string>;
  /** Told when a server-side recognition starts (audio source, its name), so a retry can resume it. */
  onOperation?: (source: string, name: string) => void;
  /** Give up (retryably) by this instant (epoch ms): the activity's own timeout, less a margin. */
  giveUpAt?: number;
  /**
   * Aborted when the activity is cancelled (the worker is shutting down): the provider stops waiting, and stops the
   * work it runs itself, and rejects with the signal's reason. A server-side recognition goes on; the retry follows it.
   */
  signal?: AbortSignal;
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
