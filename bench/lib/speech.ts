import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Two clearly different espeak-ng voices (an American man, a British woman) for two speakers. */
export const VOICES = { ada: 'en-us+f2', ben: 'en-gb-x-rp' } as const;

/** A mono 16-bit PCM WAV in memory. */
export interface Pcm {
  sampleRate: number;
  samples: Int16Array;
}

/** Speaks `text` with an espeak-ng voice into a WAV file (22,050 Hz mono). */
export async function speak(text: string, voice: string, file: string, wordsPerMinute = 150): Promise<string> {
  await run('espeak-ng', ['-v', voice, '-s', String(wordsPerMinute), '-w', file, text]);
  return file;
}

export function readWav(file: string): Pcm {
  const data = readFileSync(file);
  if (data.toString('ascii', 0, 4) !== 'RIFF' || data.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${file} is not a WAV file`);
  let offset = 12;
  let sampleRate = 0;
  while (offset + 8 <= data.length) {
    const id = data.toString('ascii', offset, offset + 4);
    // espeak-ng streams its WAV and leaves the data chunk's size at its maximum: read to the end of the file then.
    const size = Math.min(data.readUInt32LE(offset + 4), data.length - offset - 8);
    if (id === 'fmt ') {
      if (data.readUInt16LE(offset + 8) !== 1 || data.readUInt16LE(offset + 10) !== 1 || data.readUInt16LE(offset + 22) !== 16) throw new Error(`${file}: only mono 16-bit PCM`);
      sampleRate = data.readUInt32LE(offset + 12);
    }
    if (id === 'data') {
      const bytes = data.subarray(offset + 8, offset + 8 + size - (size % 2));
      return { sampleRate, samples: new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)) };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error(`${file} has no data chunk`);
}

export function writeWav(file: string, pcm: Pcm): string {
  const header = Buffer.alloc(44);
  const bytes = pcm.samples.length * 2;
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + bytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(pcm.sampleRate, 24);
  header.writeUInt32LE(pcm.sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(bytes, 40);
  writeFileSync(file, Buffer.concat([header, Buffer.from(pcm.samples.buffer, pcm.samples.byteOffset, bytes)]));
  return file;
}

export const silence = (seconds: number, sampleRate = 22_050): Pcm => ({ sampleRate, samples: new Int16Array(Math.round(seconds * sampleRate)) });

/** Places clips on a silent timeline of `seconds` (each at its start time, in seconds). */
export function timeline(seconds: number, clips: { at: number; pcm: Pcm }[], sampleRate = 22_050): Pcm {
  const out = silence(seconds, sampleRate);
  for (const clip of clips) {
    if (clip.pcm.sampleRate !== sampleRate) throw new Error(`clip at ${clip.at}s is ${clip.pcm.sampleRate} Hz, not ${sampleRate}`);
    out.samples.set(clip.pcm.samples.subarray(0, Math.max(0, out.samples.length - Math.round(clip.at * sampleRate))), Math.round(clip.at * sampleRate));
  }
  return out;
}

export const durationOf = (pcm: Pcm) => pcm.samples.length / pcm.sampleRate;

const OPUS_ENCODER = `
import sys, av
source, target = av.open(sys.argv[1]), av.open(sys.argv[2], "w", format="ogg")
stream = target.add_stream("libopus", rate=48000, layout="mono")
resampler = av.AudioResampler(format="s16", layout="mono", rate=48000)
def mux(frames):
    for frame in frames:
        for packet in stream.encode(frame):
            target.mux(packet)
for frame in source.decode(audio=0):
    mux(resampler.resample(frame))
mux(resampler.resample(None))
for packet in stream.encode(None):
    target.mux(packet)
target.close()
`;

/** Encodes a WAV as Ogg/Opus (what LiveKit and browsers record) with PyAV from the local speech-to-text venv. */
export async function toOpus(wav: string, python: string): Promise<string> {
  const ogg = path.join(path.dirname(wav), `${path.basename(wav, '.wav')}.ogg`);
  await run(python, ['-c', OPUS_ENCODER, wav, ogg]);
  return ogg;
}
