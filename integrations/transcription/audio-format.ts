/** Audio formats Meetflow accepts from people, recognised by their first bytes (the name and type can lie). */
export type AudioFormat = 'wav' | 'ogg' | 'mp3' | 'flac' | 'webm' | 'm4a';

export const AUDIO_FORMATS_TEXT = 'WAV, Ogg (Opus), MP3, FLAC, WebM or M4A';
/** Bytes needed to recognise every format. */
export const AUDIO_SNIFF_BYTES = 12;

export function sniffAudioFormat(head: Buffer): AudioFormat | undefined {
  const ascii = (start: number, end: number) => head.toString('latin1', start, end);
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'wav';
  if (ascii(0, 4) === 'OggS') return 'ogg';
  if (ascii(0, 4) === 'fLaC') return 'flac';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) return 'webm';
  if (ascii(4, 8) === 'ftyp') return 'm4a';
  // MP3: an ID3 tag, or straight into an MPEG audio frame (11 sync bits, layer III).
  if (ascii(0, 3) === 'ID3' || (head.length >= 2 && head[0] === 0xff && (head[1] & 0xe6) === 0xe2)) return 'mp3';
  return undefined;
}
