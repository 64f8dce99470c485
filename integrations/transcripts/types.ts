/** A transcript as Meetflow stores it (the `transcripts` row's text, segments and words). Times in seconds. */
export interface Segment {
  speaker: string;
  start: number;
  end: number;
  text: string;
}

export interface Word {
  word: string;
  start: number;
  end: number;
  speaker?: string;
}

export interface ParsedTranscript {
  text: string;
  language: string;
  segments: Segment[];
  words: Word[];
  /** 0..1 when the source gives one; null for human/sidecar transcripts. */
  confidence: number | null;
  /** Distinct speakers in order of first speech. */
  speakers: string[];
}
