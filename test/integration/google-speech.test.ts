/**
 * GoogleSpeechProvider through the REAL `@google-cloud/speech` client (google-gax, gRPC, LRO decoding) against a
 * local gRPC stand-in of Google Speech v1 + google.longrunning.Operations.
 */
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { GoogleSpeechProvider, type GoogleSpeechProviderOptions } from '../../integrations/transcription/google';
import { UntranscribableError } from '../../integrations/transcription/types';
import { type FakeGoogleSpeech, type FakeWord, startFakeGoogleSpeech } from '../fakes/google-speech';
import { abortedOnceStarted } from '../helpers/rejection';

let fake: FakeGoogleSpeech;
let tmp: string;
const providers: GoogleSpeechProvider[] = [];

beforeAll(async () => {
  fake = await startFakeGoogleSpeech();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'meetflow-google-speech-'));
});

afterAll(async () => {
  await Promise.all(providers.map((provider) => provider.close()));
  await fake?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

beforeEach(() => fake.reset());

function provider(options: Omit<GoogleSpeechProviderOptions, 'client'> = {}): GoogleSpeechProvider {
  const created = new GoogleSpeechProvider({
    pollIntervalMs: 5,
    ...options,
    client: {
      apiEndpoint: '127.0.0.1',
      port: fake.port,
      // Insecure channel credentials: google-gax uses them as they are and adds no auth.
      sslCreds: grpc.credentials.createInsecure(),
      // Without it, google-gax asks the auth library for the credentials' universe domain, which looks for
      // Application Default Credentials (and the GCE metadata server) even with insecure sslCreds.
      universeDomain: 'googleapis.com',
      projectId: 'meetflow-test',
    },
  });
  // No credential lookup may happen in tests: fail loudly if the library tries.
  jest.spyOn(created.client.auth, 'getClient').mockRejectedValue(new Error('tests must not look up Google credentials'));
  providers.push(created);
  return created;
}

const request = (overrides: Partial<Parameters<GoogleSpeechProvider['transcribe']>[0]> = {}) => ({
  recordingId: 'rec-1',
  fileUrl: 'gs://meetflow-recordings/room-1/rec-1.ogg',
  language: 'en',
  speakerCountHint: 3,
  ...overrides,
});

// Two speakers; Alice pauses 2.5 s between her two sentences, which starts a new segment.
const conversation: FakeWord[] = [
  { word: 'Hello', start: 0.1, end: 0.45, speakerTag: 1 },
  { word: 'everyone.', start: 0.5, end: 1.2, speakerTag: 1 },
  { word: 'Hi', start: 1.6, end: 1.9, speakerTag: 2 },
  { word: 'Alice!', start: 2.0, end: 2.75, speakerTag: 2 },
  { word: "Let's", start: 3.0, end: 3.3, speakerTag: 1 },
  { word: 'start.', start: 3.3, end: 3.9, speakerTag: 1 },
  { word: 'First', start: 6.4, end: 6.8, speakerTag: 1 },
  { word: 'item.', start: 6.8, end: 7.25, speakerTag: 1 },
];

describe('GoogleSpeechProvider against a Google Speech v1 stand-in', () => {
  test('a diarized two-speaker result becomes speaker segments with word times and text', async () => {
    fake.script([{ kind: 'result', words: conversation, transcripts: ['Hello everyone. Hi Alice!', "Let's start. First item."], confidences: [0.9, 0.8] }]);
    const stt = provider();

    const transcript = await stt.transcribe(request());

    expect(transcript.segments).toEqual([
      { speaker: 'Speaker 1', start: 0.1, end: 1.2, text: 'Hello everyone.' },
      { speaker: 'Speaker 2', start: 1.6, end: 2.75, text: 'Hi Alice!' },
      { speaker: 'Speaker 1', start: 3, end: 3.9, text: "Let's start." },
      { speaker: 'Speaker 1', start: 6.4, end: 7.25, text: 'First item.' },
    ]);
    expect(transcript.text).toBe("Speaker 1: Hello everyone.\nSpeaker 2: Hi Alice!\nSpeaker 1: Let's start.\nSpeaker 1: First item.");
    expect(transcript.words).toHaveLength(8);
    expect(transcript.words[0]).toEqual({ word: 'Hello', start: 0.1, end: 0.45, speaker: 'Speaker 1' });
    expect(transcript.words[3]).toEqual({ word: 'Alice!', start: 2, end: 2.75, speaker: 'Speaker 2' });
    expect(transcript.speakers).toEqual(['Speaker 1', 'Speaker 2']);
    // Mean of the chunks' confidences; the final diarization result's 0 is ignored.
    expect(transcript.confidence).toBeCloseTo(0.85, 3);
    expect(transcript.language).toBe('en');
    expect(stt.client.auth.getClient).not.toHaveBeenCalled();
  });

  test('a retry follows the recognition its earlier attempt started (named in the heartbeat) instead of starting it again', async () => {
    fake.script([{ kind: 'result', words: conversation, afterPolls: 4 }]);
    const started: Record<string, string> = {};
    // The first attempt runs out of time (its activity's deadline) before Google is done.
    await expect(provider().transcribe(request({ onOperation: (source, name) => (started[source] = name), giveUpAt: Date.now() }))).rejects.toThrow(/not done yet/);
    expect(Object.keys(started)).toEqual(['gs://meetflow-recordings/room-1/rec-1.ogg']);

    const transcript = await provider().transcribe(request({ operations: started }));

    expect(transcript.speakers).toEqual(['Speaker 1', 'Speaker 2']);
    expect(fake.requests.filter((recorded) => recorded.method === 'LongRunningRecognize')).toHaveLength(1);
    expect(new Set(fake.polls)).toEqual(new Set(Object.values(started)));
  });

  test('a speakerLabel, when Google sends one, names the speaker', async () => {
    fake.script([
      {
        kind: 'result',
        words: [
          { word: 'Yes.', start: 0, end: 0.4, speakerTag: 1, speakerLabel: 'A' },
          { word: 'No.', start: 0.6, end: 0.9, speakerTag: 2, speakerLabel: 'B' },
        ],
      },
    ]);

    const transcript = await provider().transcribe(request());

    expect(transcript.text).toBe('Speaker A: Yes.\nSpeaker B: No.');
  });

  test('the request asks for diarization sized by the hint, word offsets, punctuation, the locale and the gs:// audio', async () => {
    fake.script([
      { kind: 'result', words: conversation },
      { kind: 'result', words: conversation },
      { kind: 'result', words: conversation },
    ]);
    const stt = provider();

    await stt.transcribe(request({ speakerCountHint: 4 }));
    await stt.transcribe(request({ speakerCountHint: 1, fileUrl: 'gs://meetflow-recordings/a.flac', language: 'fr-CA' }));
    await stt.transcribe(request({ speakerCountHint: undefined, fileUrl: 'gs://meetflow-recordings/b.mp4', language: 'de' }));

    expect(fake.requests.map((r) => r.method)).toEqual(['LongRunningRecognize', 'LongRunningRecognize', 'LongRunningRecognize']);
    const [ogg, flac, other] = fake.requests;
    expect(ogg.audio.uri).toBe('gs://meetflow-recordings/room-1/rec-1.ogg');
    expect(ogg.audio.content).toBeUndefined();
    expect(ogg.config).toMatchObject({
      languageCode: 'en-US',
      enableAutomaticPunctuation: true,
      enableWordTimeOffsets: true,
      diarizationConfig: { enableSpeakerDiarization: true, minSpeakerCount: 1, maxSpeakerCount: 4 },
      encoding: 'OGG_OPUS',
      sampleRateHertz: 48000,
    });
    expect(ogg.config.model).toBeUndefined();
    expect(flac.audio.uri).toBe('gs://meetflow-recordings/a.flac');
    expect(flac.config).toMatchObject({ languageCode: 'fr-CA', encoding: 'FLAC', diarizationConfig: { maxSpeakerCount: 2 } });
    expect(flac.config.sampleRateHertz).toBeUndefined();
    expect(other.config).toMatchObject({ languageCode: 'de-DE', diarizationConfig: { maxSpeakerCount: 6 } });
    expect(other.config.encoding).toBeUndefined();
  });

  test('polls the operation until done, reporting Google progress', async () => {
    fake.script([{ kind: 'result', words: conversation, afterPolls: 3 }]);
    const progress: number[] = [];
    const stt = provider({ onProgress: (percent) => progress.push(percent) });

    const transcript = await stt.transcribe(request());

    expect(transcript.segments).toHaveLength(4);
    expect(fake.polls).toHaveLength(3);
    expect(new Set(fake.polls).size).toBe(1);
    expect(progress).toEqual([0, 33, 66, 100]);
  });

  test('cancelled while it polls: rejects with the reason and stops polling; the operation is left to the retry', async () => {
    fake.script([{ kind: 'result', words: conversation, afterPolls: 1_000_000 }]);
    const operations: string[] = [];

    const { rejected, reason } = await abortedOnceStarted((signal) => provider().transcribe({ ...request(), signal, onOperation: (_source, name) => operations.push(name) }), () => fake.polls.length >= 2);
    const pollsWhenCancelled = fake.polls.length;
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(rejected).toBe(reason);
    expect(operations).toHaveLength(1);
    expect(fake.polls.length).toBeLessThanOrEqual(pollsWhenCancelled + 1);
  });

  test('UNAVAILABLE fails the attempt retryably, and the next attempt succeeds', async () => {
    fake.script([{ kind: 'unavailable' }, { kind: 'result', words: conversation }]);
    const stt = provider();

    const first = await stt.transcribe(request()).then(
      () => null,
      (error: unknown) => error,
    );
    expect(first).toBeInstanceOf(Error);
    expect(first).not.toBeInstanceOf(UntranscribableError);
    expect((first as Error).message).toMatch(/UNAVAILABLE/);

    const second = await stt.transcribe(request());
    expect(second.speakers).toEqual(['Speaker 1', 'Speaker 2']);
    expect(fake.requests).toHaveLength(2); // the client library did not retry by itself
  });

  test.each([
    ['DEADLINE_EXCEEDED', grpc.status.DEADLINE_EXCEEDED, 'call'],
    ['RESOURCE_EXHAUSTED', grpc.status.RESOURCE_EXHAUSTED, 'call'],
    ['INTERNAL', grpc.status.INTERNAL, 'operation'],
  ] as const)('%s (code %d, in the %s) is a retryable failure', async (name, code, where) => {
    fake.script([{ kind: 'error', code, message: 'try again later', in: where }]);

    const error = await provider()
      .transcribe(request())
      .then(
        () => null,
        (e: unknown) => e,
      );

    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(UntranscribableError);
    expect((error as Error).message).toContain(name);
    expect(fake.requests).toHaveLength(1);
  });

  test.each(['call', 'operation'] as const)('NOT_FOUND (in the %s) is untranscribable and names the audio', async (where) => {
    fake.script([{ kind: 'error', code: grpc.status.NOT_FOUND, message: 'No such object: meetflow-recordings/room-1/rec-1.ogg', in: where, afterPolls: 1 }]);

    const error = await provider()
      .transcribe(request())
      .then(
        () => null,
        (e: unknown) => e,
      );

    expect(error).toBeInstanceOf(UntranscribableError);
    expect((error as Error).message).toContain('gs://meetflow-recordings/room-1/rec-1.ogg');
    expect((error as Error).message).toContain('NOT_FOUND');
    expect((error as Error).message).toContain('No such object');
  });

  test('INVALID_ARGUMENT and PERMISSION_DENIED are untranscribable', async () => {
    fake.script([
      { kind: 'error', code: grpc.status.INVALID_ARGUMENT, message: 'Invalid recognition config' },
      { kind: 'error', code: grpc.status.PERMISSION_DENIED, message: 'no access to the bucket', in: 'operation' },
    ]);
    const stt = provider();

    await expect(stt.transcribe(request())).rejects.toThrow(UntranscribableError);
    await expect(stt.transcribe(request())).rejects.toThrow(/PERMISSION_DENIED.*no access to the bucket/);
  });

  test.each([
    ['a response without results', false],
    ['no response at all', true],
  ])('silence (%s) gives a transcript with zero segments', async (_what, bare) => {
    fake.script([{ kind: 'empty', afterPolls: 1, bare }]);

    const transcript = await provider().transcribe(request());

    expect(transcript.segments).toEqual([]);
    expect(transcript.words).toEqual([]);
    expect(transcript.text).toBe('');
    expect(transcript.speakers).toEqual([]);
    expect(transcript.confidence).toBeNull();
    expect(fake.requests).toHaveLength(1);
  });

  test('a small local file is sent inline', async () => {
    const file = path.join(tmp, 'small.wav');
    await writeFile(file, Buffer.from('RIFF-not-really-audio'));
    fake.script([{ kind: 'result', words: conversation }]);

    await provider().transcribe(request({ fileUrl: undefined, filePath: file }));

    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0].audio.uri).toBeUndefined();
    expect(Buffer.from(fake.requests[0].audio.content).toString()).toBe('RIFF-not-really-audio');
    expect(fake.requests[0].config.encoding).toBe('LINEAR16');
  });

  test('a large local file without a gs:// URI is untranscribable, and nothing is sent', async () => {
    const file = path.join(tmp, 'large.ogg');
    await writeFile(file, '');
    await truncate(file, 11 * 1024 * 1024);

    const error = await provider()
      .transcribe(request({ fileUrl: undefined, filePath: file }))
      .then(
        () => null,
        (e: unknown) => e,
      );

    expect(error).toBeInstanceOf(UntranscribableError);
    expect((error as Error).message).toMatch(/gs:\/\//);
    expect(fake.requests).toHaveLength(0);
  });
});
