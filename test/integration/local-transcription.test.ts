import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import path from 'node:path';
import pino from 'pino';
import { silence, toOpus, writeWav } from '../../bench/lib/speech';
import { wordErrorRate } from '../../bench/lib/wer';
import { loadConfig } from '../../config';
import { createTranscriptionProvider } from '../../integrations';
import { LocalWhisperProvider } from '../../integrations/transcription/local';
import { UntranscribableError } from '../../integrations/transcription/types';
import { rejection } from '../helpers/rejection';
import { ROOT } from '../helpers/temporal';
import { waitFor } from '../helpers/wait';
import { conversationTracks, monologue, SCRIPT, speechDir, turnAt } from '../helpers/speech';

const run = promisify(execFile);

// Real speech (espeak-ng) through the real model on 2 shared cores: each file takes seconds, not milliseconds.
jest.setTimeout(420_000);

const cfg = loadConfig({ ...process.env, TRANSCRIPTION_PROVIDER: 'auto', GOOGLE_APPLICATION_CREDENTIALS: '', GOOGLE_SPEECH_ENDPOINT: '' });
const log = pino({ level: 'silent' });
let provider: LocalWhisperProvider;
let dir: string;

beforeAll(() => {
  dir = speechDir('stt');
  const chosen = createTranscriptionProvider(cfg, log);
  // npm test installs the model (scripts/whisper.sh --required), so `auto` picks it without Google credentials.
  expect(chosen.name).toBe('local');
  provider = chosen as LocalWhisperProvider;
});

afterAll(async () => {
  await provider?.close();
});

const spokenText = (text: string) => text.replace(/^[^:\n]+: /gm, '');

test('one voice in a WAV file: the words said, with times, in one speaker, the language detected', async () => {
  const { file, text } = await monologue(dir, 'ada');
  const progress: number[] = [];
  const transcript = await provider.transcribe({ recordingId: 'wav', filePath: file, language: 'auto', onProgress: (fraction) => progress.push(fraction) });

  expect(wordErrorRate(text, spokenText(transcript.text))).toBeLessThan(0.1);
  expect(transcript.language).toBe('en');
  expect(transcript.speakers).toEqual(['Speaker 1']);
  expect(transcript.segments.map((segment) => segment.start)).toEqual([...transcript.segments.map((segment) => segment.start)].sort((a, b) => a - b));
  expect(transcript.words.length).toBeGreaterThan(20);
  expect(transcript.words.every((word) => word.end >= word.start && word.speaker === 'Speaker 1')).toBe(true);
  expect(transcript.confidence).toBeGreaterThan(0.5);
  expect(progress.length).toBeGreaterThan(0);
  expect(progress.every((fraction) => fraction > 0 && fraction <= 1)).toBe(true);
});

test('the other voice as Ogg/Opus (what rooms record) in the language the meeting set', async () => {
  const { file, text } = await monologue(dir, 'ben');
  const ogg = await toOpus(file, cfg.WHISPER_PYTHON);
  const transcript = await provider.transcribe({ recordingId: 'ogg', filePath: ogg, language: 'en-GB' });
  expect(wordErrorRate(text, spokenText(transcript.text))).toBeLessThan(0.1);
  expect(transcript.language).toBe('en');
});

test("per-person tracks: every line carries its speaker's real name, in the order it was said", async () => {
  const people = { ada: 'Ada Lovelace', ben: 'Ben Okafor' };
  const { tracks, turns } = await conversationTracks(dir, people);
  const transcript = await provider.transcribe({ recordingId: 'tracks', language: 'en', tracks });

  expect(transcript.speakers).toEqual(['Ada Lovelace', 'Ben Okafor']);
  expect(transcript.segments.length).toBeGreaterThanOrEqual(turns.length);
  for (const segment of transcript.segments) {
    const turn = turnAt(turns, segment.start, segment.end);
    expect({ segment: segment.text, speaker: segment.speaker }).toEqual({ segment: segment.text, speaker: turn?.speaker });
  }
  const starts = transcript.segments.map((segment) => segment.start);
  expect(starts).toEqual([...starts].sort((a, b) => a - b));
  // Turn by turn, in order: Ada, Ben, Ada, Ben, each saying their own line.
  const saidInTurn = turns.map((turn) =>
    transcript.segments
      .filter((segment) => turnAt(turns, segment.start, segment.end) === turn)
      .map((segment) => segment.text)
      .join(' '),
  );
  turns.forEach((turn, i) => expect(wordErrorRate(turn.text, saidInTurn[i])).toBeLessThan(0.15));
  expect(transcript.words.filter((word) => word.speaker === 'Ben Okafor').every((word) => word.start >= 2)).toBe(true);
  expect(wordErrorRate(`${SCRIPT.ada[0]} ${SCRIPT.ada[1]}`, transcript.segments.filter((s) => s.speaker === 'Ada Lovelace').map((s) => s.text).join(' '))).toBeLessThan(0.1);
});

test('silence, a corrupt file and an empty file are untranscribable, each with its reason', async () => {
  const silent = writeWav(path.join(dir, 'silent.wav'), silence(8));
  const corrupt = path.join(dir, 'corrupt.wav');
  writeFileSync(corrupt, Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4000, 7)]));
  const empty = path.join(dir, 'empty.ogg');
  writeFileSync(empty, '');

  await expect(provider.transcribe({ recordingId: 'silent', filePath: silent, language: 'en' })).rejects.toThrow(new UntranscribableError('recording silent: no speech found in silent.wav'));
  await expect(provider.transcribe({ recordingId: 'corrupt', filePath: corrupt, language: 'en' })).rejects.toThrow(/corrupt\.wav is not audio that can be decoded/);
  await expect(provider.transcribe({ recordingId: 'corrupt', filePath: corrupt, language: 'en' })).rejects.toBeInstanceOf(UntranscribableError);
  await expect(provider.transcribe({ recordingId: 'empty', filePath: empty, language: 'en' })).rejects.toThrow(new UntranscribableError('empty.ogg is empty (0 bytes)'));
  await expect(provider.transcribe({ recordingId: 'gone', filePath: path.join(dir, 'gone.wav'), language: 'en' })).rejects.toBeInstanceOf(UntranscribableError);
});

test('a recording with a transcript beside it (fixtures, the demo) is read, not listened to', async () => {
  const audio = writeWav(path.join(dir, 'fixture.wav'), silence(1));
  writeFileSync(path.join(dir, 'fixture.vtt'), 'WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Cleo>We ship on Monday.\n');
  const transcript = await provider.transcribe({ recordingId: 'fixture', filePath: audio, language: 'en' });
  expect(transcript.segments).toEqual([{ speaker: 'Cleo', start: 1, end: 4, text: 'We ship on Monday.' }]);
});

test('a killed transcriber fails its request retryably and is started again for the next one', async () => {
  const { file, text } = await monologue(dir, 'ada');
  await provider.transcribe({ recordingId: 'warm', filePath: file, language: 'en' });
  const first = provider.transcriberPid!;
  expect(first).toBeGreaterThan(0);

  const inFlight = provider.transcribe({ recordingId: 'killed', filePath: file, language: 'en' });
  process.kill(first, 'SIGKILL');
  const failure = await inFlight.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(Error);
  expect(failure).not.toBeInstanceOf(UntranscribableError);
  expect((failure as Error).message).toMatch(/transcriber process was killed \(SIGKILL\).*starts again/);

  const again = await provider.transcribe({ recordingId: 'again', filePath: file, language: 'en' });
  expect(provider.transcriberPid).not.toBe(first);
  expect(wordErrorRate(text, spokenText(again.text))).toBeLessThan(0.1);
});

test('a cancelled transcription rejects at once with the reason, and the transcriber it alone kept busy is stopped', async () => {
  const { file, text } = await monologue(dir, 'ada');
  await provider.transcribe({ recordingId: 'warm-again', filePath: file, language: 'en' });
  const busy = provider.transcriberPid!;
  const cancel = new AbortController();
  const reason = new Error('WORKER_SHUTDOWN');

  // Cancelled as the transcriber reports its first progress on the file, before its end.
  const rejected = await rejection(provider.transcribe({ recordingId: 'cancelled', filePath: file, language: 'en', signal: cancel.signal, onProgress: () => cancel.abort(reason) }));

  expect(rejected).toBe(reason);
  // A worker shutting down neither waits for the file nor leaves the transcriber decoding it.
  await waitFor('the transcriber to stop', () => provider.transcriberPid === undefined, 10_000, 50);
  expect(() => process.kill(busy, 0)).toThrow(/ESRCH/);
  const next = await provider.transcribe({ recordingId: 'after-cancel', filePath: file, language: 'en' });
  expect(wordErrorRate(text, spokenText(next.text))).toBeLessThan(0.1);
});

test('meetflow transcribe prints the transcript of an audio file, with times', async () => {
  const { file, text } = await monologue(speechDir('cli'), 'ben');
  const { stdout, stderr } = await run(process.execPath, [path.join(ROOT, 'bin', 'meetflow.js'), 'transcribe', file, '--language', 'en'], { env: { ...process.env, LOG_LEVEL: 'silent' } });
  expect(stderr).toBe('(local speech-to-text, language en)\n');
  const lines = stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^\[00:00:0\d\] Speaker 1: The budget looks fine|^\[00:00:00\] Speaker 1: Thanks/);
  expect(lines.every((line) => /^\[\d\d:\d\d:\d\d\] Speaker 1: /.test(line))).toBe(true);
  expect(wordErrorRate(text, spokenText(lines.map((line) => line.replace(/^\[[\d:]+\] /, '')).join('\n')))).toBeLessThan(0.1);
});

test('without its model the local provider says what to install (/ready reports it)', async () => {
  const missing = new LocalWhisperProvider({ modelDir: path.join(dir, 'no-model'), python: cfg.WHISPER_PYTHON, beamSize: 1, threads: 1 });
  await expect(missing.check()).rejects.toThrow(/no-model\/model\.bin is missing: run scripts\/whisper\.sh/);
  await expect(provider.check()).resolves.toBeUndefined();
  expect(createTranscriptionProvider({ ...cfg, WHISPER_MODEL_DIR: path.join(dir, 'no-model') }, log).name).toBe('sidecar');
  expect(createTranscriptionProvider({ ...cfg, GOOGLE_SPEECH_ENDPOINT: '127.0.0.1:1' }, log).name).toBe('google');
  expect(createTranscriptionProvider({ ...cfg, TRANSCRIPTION_PROVIDER: 'sidecar' }, log).name).toBe('sidecar');
});
