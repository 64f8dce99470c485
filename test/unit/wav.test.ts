import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readWavSamples, repairWav, WAV_HEADER_BYTES, WavWriter } from '../../integrations/video/recorder/wav';
import { recordingMode } from '../../integrations';

const dir = mkdtempSync(path.join(os.tmpdir(), 'meetflow-wav-'));
const tone = (samples: number, rate = 16_000) => Int16Array.from({ length: samples }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)));
const sizes = (file: string) => {
  const bytes = readFileSync(file);
  return { riff: bytes.readUInt32LE(4), data: bytes.readUInt32LE(40), onDisk: bytes.length - WAV_HEADER_BYTES };
};

test('a finished file says exactly how much audio it holds, and reads back sample for sample', () => {
  const file = path.join(dir, 'whole.wav');
  const writer = new WavWriter(file, { sampleRate: 16_000, channels: 1 });
  const audio = tone(16_000 * 2 + 123);
  writer.write(audio.subarray(0, 5000));
  writer.write(audio.subarray(5000));
  writer.close();
  expect(sizes(file)).toEqual({ riff: 36 + audio.length * 2, data: audio.length * 2, onDisk: audio.length * 2 });
  const read = readWavSamples(file);
  expect(read.sampleRate).toBe(16_000);
  expect(Array.from(read.samples)).toEqual(Array.from(audio));
  expect(repairWav(file)).toMatchObject({ repaired: false, durationMs: Math.round(((16_000 * 2 + 123) / 16_000) * 1000) });
});

test('a file whose writer died keeps every sample on disk: the header is repaired on the next run', () => {
  const file = path.join(dir, 'crashed.wav');
  const writer = new WavWriter(file, { sampleRate: 16_000, channels: 1 }, 1);
  const audio = tone(16_000 * 3 + 400);
  writer.write(audio.subarray(0, 16_000 * 3));
  writer.write(audio.subarray(16_000 * 3));
  // The writer is never closed (the process was killed): the header still says where it was last brought up to date.
  expect(sizes(file).data).toBeLessThan(audio.length * 2);
  expect(sizes(file).onDisk).toBe(audio.length * 2);
  // And the kill landed in the middle of a sample.
  appendFileSync(file, Buffer.from([0x12]));

  const result = repairWav(file);
  expect(result).toMatchObject({ repaired: true, sampleRate: 16_000, channels: 1, dataBytes: audio.length * 2, durationMs: 3025 });
  expect(sizes(file)).toEqual({ riff: 36 + audio.length * 2, data: audio.length * 2, onDisk: audio.length * 2 });
  expect(Array.from(readWavSamples(file).samples)).toEqual(Array.from(audio));
  expect(repairWav(file).repaired).toBe(false);
});

test('a file killed before its first header update (sizes 0) is repaired too; a file that is not WAV is refused', () => {
  const file = path.join(dir, 'early.wav');
  new WavWriter(file, { sampleRate: 16_000, channels: 1 }, 60).write(tone(800));
  expect(sizes(file).data).toBe(0);
  expect(repairWav(file)).toMatchObject({ repaired: true, dataBytes: 1600, durationMs: 50 });
  expect(statSync(file).size).toBe(WAV_HEADER_BYTES + 1600);

  const notWav = path.join(dir, 'not.wav');
  writeFileSync(notWav, 'OggS, not a wav file at all, but long enough to have a header');
  expect(() => repairWav(notWav)).toThrow('not a canonical PCM WAV file');
});

test('RECORDER=auto records per person on a LiveKit of this machine, with Egress elsewhere', () => {
  expect(recordingMode('auto', 'ws://127.0.0.1:7880')).toBe('tracks');
  expect(recordingMode('auto', 'ws://localhost:7880')).toBe('tracks');
  expect(recordingMode('auto', 'wss://meetflow.livekit.cloud')).toBe('egress');
  expect(recordingMode('egress', 'ws://127.0.0.1:7880')).toBe('egress');
  expect(recordingMode('off', 'wss://meetflow.livekit.cloud')).toBe('off');
});
