export const ACCEPTED_FORMATS =
  'Accepted formats: WebVTT (starts with "WEBVTT", speakers as <v Name> voice tags), ' +
  'Meetflow JSON ({ "segments": [{ "speaker", "start", "end", "text" }] } or a bare array of segments), ' +
  'QMSum JSON ({ "meeting_transcripts": [{ "speaker", "content" }] }).';

/** The transcript file cannot be read as any accepted format; the message says where and why. */
export class TranscriptFormatError extends Error {
  constructor(problem: string) {
    super(`${problem}. ${ACCEPTED_FORMATS}`);
    this.name = 'TranscriptFormatError';
  }
}
