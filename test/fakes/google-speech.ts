/**
 * A protocol-level stand-in for Google Cloud Speech v1: a real gRPC server on 127.0.0.1 implementing
 * `google.cloud.speech.v1.Speech` (LongRunningRecognize, Recognize) and `google.longrunning.Operations`
 * (GetOperation), loaded from the .proto files that `@google-cloud/speech` and `google-gax` ship. Operations carry
 * their response and metadata packed in `google.protobuf.Any`, exactly as Google sends them, so the real client
 * library decodes them.
 *
 * Each LongRunningRecognize / Recognize call takes the next scripted behaviour (a default successful, empty result
 * when the script is exhausted). Every request is recorded for assertions.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as protobuf from 'protobufjs';

const SPEECH_PROTOS = path.dirname(require.resolve('@google-cloud/speech/build/protos/protos.json'));
// google/longrunning, google/rpc, google/api and google/protobuf ship with google-gax (a dependency of the client).
const GAX_PROTOS = path.resolve(require.resolve('google-gax', { paths: [path.dirname(require.resolve('@google-cloud/speech'))] }), '../../protos');
const INCLUDE_DIRS = [SPEECH_PROTOS, GAX_PROTOS];
const SPEECH_PROTO = 'google/cloud/speech/v1/cloud_speech.proto';
const OPERATIONS_PROTO = 'google/longrunning/operations.proto';
const TYPE_PREFIX = 'type.googleapis.com/';

export interface FakeWord {
  word: string;
  /** Seconds. */
  start: number;
  end: number;
  /** 0 (or absent) means "not diarized", as Google sends it. */
  speakerTag?: number;
  /** The newer string form of the speaker; sent only when given. */
  speakerLabel?: string;
}

export type FakeBehaviour =
  /** The call itself fails with UNAVAILABLE (as when the service is briefly down). */
  | { kind: 'unavailable'; message?: string }
  /** The call fails with this gRPC status; with `in: 'operation'` the call succeeds and the operation finishes with this error. */
  | { kind: 'error'; code: grpc.status; message: string; in?: 'call' | 'operation'; afterPolls?: number }
  /**
   * A recognition result shaped like Google's diarized output: one result per transcript chunk (words without
   * speaker tags, a confidence), then a final result whose alternative holds every word with its speaker tag.
   * `transcripts` defaults to one chunk with all words; a chunk takes as many words as it has tokens.
   */
  | { kind: 'result'; words: FakeWord[]; transcripts?: string[]; confidences?: number[]; diarized?: boolean; afterPolls?: number }
  /**
   * Google's answer for silence: a finished operation with a response holding no results, or (`bare`) with
   * neither response nor error, which Google also sends for silent files.
   */
  | { kind: 'empty'; afterPolls?: number; bare?: boolean };

export interface RecordedRequest {
  method: 'LongRunningRecognize' | 'Recognize';
  /** The RecognitionConfig as received (camelCase fields, enums as names, unset fields absent). */
  config: any;
  /** The RecognitionAudio as received: `{ uri }` or `{ content: Buffer }`. */
  audio: any;
  metadata: Record<string, string>;
}

export interface FakeGoogleSpeech {
  port: number;
  requests: RecordedRequest[];
  /** GetOperation calls received, by operation name. */
  polls: string[];
  /** Queues behaviours for the next calls, in order. */
  script(behaviours: FakeBehaviour[]): void;
  /** Forgets unused behaviours, recorded requests and polls (between tests). */
  reset(): void;
  close(): Promise<void>;
}

interface PendingOperation {
  name: string;
  behaviour: Exclude<FakeBehaviour, { kind: 'unavailable' }>;
  polls: number;
  finishAfter: number;
}

export async function startFakeGoogleSpeech(): Promise<FakeGoogleSpeech> {
  const loaderOptions: protoLoader.Options = { keepCase: false, longs: Number, enums: String, defaults: false, oneofs: true, includeDirs: INCLUDE_DIRS };
  const definition = protoLoader.loadSync([SPEECH_PROTO, OPERATIONS_PROTO], loaderOptions);
  const loaded = grpc.loadPackageDefinition(definition) as any;
  const speechService: grpc.ServiceDefinition = loaded.google.cloud.speech.v1.Speech.service;
  const operationsService: grpc.ServiceDefinition = loaded.google.longrunning.Operations.service;

  // proto-loader gives (de)serializers only for method messages: the payloads packed into Any are encoded here.
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => resolveInclude(target);
  root.loadSync([SPEECH_PROTO, OPERATIONS_PROTO], { keepCase: false });
  const pack = (typeName: string, value: object) => {
    const type = root.lookupType(typeName);
    return { typeUrl: TYPE_PREFIX + typeName, value: Buffer.from(type.encode(type.fromObject(value)).finish()) };
  };

  const queue: FakeBehaviour[] = [];
  const requests: RecordedRequest[] = [];
  const polls: string[] = [];
  const operations = new Map<string, PendingOperation>();
  let nextOperation = 1;

  const record = (method: RecordedRequest['method'], call: grpc.ServerUnaryCall<any, any>) => {
    const metadata: Record<string, string> = {};
    for (const [key, value] of Object.entries(call.metadata.getMap())) metadata[key] = String(value);
    requests.push({ method, config: call.request.config, audio: call.request.audio, metadata });
  };
  const fail = (callback: grpc.sendUnaryData<any>, code: grpc.status, message: string) =>
    callback({ code, details: message, message, name: 'Error', metadata: new grpc.Metadata() });

  const operationMessage = (operation: PendingOperation) => {
    const { behaviour } = operation;
    const finished = operation.polls >= operation.finishAfter;
    const progressPercent = finished ? 100 : Math.floor((100 * operation.polls) / Math.max(operation.finishAfter, 1));
    const metadata = pack('google.cloud.speech.v1.LongRunningRecognizeMetadata', {
      progressPercent,
      startTime: { seconds: 1_700_000_000, nanos: 0 },
      lastUpdateTime: { seconds: 1_700_000_000 + operation.polls, nanos: 0 },
    });
    if (!finished) return { name: operation.name, done: false, metadata };
    if (behaviour.kind === 'error') return { name: operation.name, done: true, metadata, error: { code: behaviour.code, message: behaviour.message } };
    if (behaviour.kind === 'empty' && behaviour.bare) return { name: operation.name, done: true, metadata };
    return { name: operation.name, done: true, metadata, response: pack('google.cloud.speech.v1.LongRunningRecognizeResponse', responseFor(behaviour)) };
  };

  const speechImpl: grpc.UntypedServiceImplementation = {
    LongRunningRecognize(call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) {
      record('LongRunningRecognize', call);
      const behaviour = queue.shift() ?? { kind: 'empty' };
      if (behaviour.kind === 'unavailable') return fail(callback, grpc.status.UNAVAILABLE, behaviour.message ?? 'The service is currently unavailable.');
      if (behaviour.kind === 'error' && behaviour.in !== 'operation') return fail(callback, behaviour.code, behaviour.message);
      const operation: PendingOperation = { name: String(1_000_000 + nextOperation++), behaviour, polls: 0, finishAfter: 'afterPolls' in behaviour ? (behaviour.afterPolls ?? 0) : 0 };
      operations.set(operation.name, operation);
      callback(null, operationMessage(operation));
    },
    Recognize(call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) {
      record('Recognize', call);
      const behaviour = queue.shift() ?? { kind: 'empty' };
      if (behaviour.kind === 'unavailable') return fail(callback, grpc.status.UNAVAILABLE, behaviour.message ?? 'The service is currently unavailable.');
      if (behaviour.kind === 'error') return fail(callback, behaviour.code, behaviour.message);
      callback(null, responseFor(behaviour));
    },
  };
  const operationsImpl: grpc.UntypedServiceImplementation = {
    GetOperation(call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) {
      const name: string = call.request.name;
      polls.push(name);
      const operation = operations.get(name);
      if (!operation) return fail(callback, grpc.status.NOT_FOUND, `operation ${name} not found`);
      operation.polls += 1;
      callback(null, operationMessage(operation));
    },
  };

  const server = new grpc.Server();
  server.addService(speechService, speechImpl);
  server.addService(operationsService, operationsImpl);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );

  return {
    port,
    requests,
    polls,
    script(behaviours) {
      queue.push(...behaviours);
    },
    reset() {
      queue.length = 0;
      requests.length = 0;
      polls.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        // Do not wait for client channels that keep their connections open.
        setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 200).unref();
      }),
  };
}

function resolveInclude(target: string): string {
  if (path.isAbsolute(target)) return target;
  for (const dir of INCLUDE_DIRS) {
    const candidate = path.join(dir, target);
    if (existsSync(candidate)) return candidate;
  }
  return target;
}

const duration = (seconds: number) => {
  const whole = Math.floor(seconds);
  return { seconds: whole, nanos: Math.round((seconds - whole) * 1e9) };
};

/** A LongRunningRecognizeResponse (also a RecognizeResponse) as a plain object. */
function responseFor(behaviour: Exclude<FakeBehaviour, { kind: 'unavailable' } | { kind: 'error' }>): object {
  if (behaviour.kind === 'empty') return { results: [], totalBilledTime: duration(0) };
  const words = behaviour.words;
  const transcripts = behaviour.transcripts ?? [words.map((w) => w.word).join(' ')];
  const results: object[] = [];
  let next = 0;
  transcripts.forEach((transcript, i) => {
    const count = transcript.split(/\s+/).filter(Boolean).length;
    const chunk = words.slice(next, next + count);
    next += count;
    const chunkEnd = chunk.length ? chunk[chunk.length - 1].end : 0;
    results.push({
      alternatives: [
        {
          transcript,
          confidence: behaviour.confidences?.[i] ?? 0.9,
          words: chunk.map((w) => ({ word: w.word, startTime: duration(w.start), endTime: duration(w.end) })),
        },
      ],
      resultEndTime: duration(chunkEnd),
      languageCode: 'en-us',
    });
  });
  if (behaviour.diarized !== false) {
    // Google repeats every word, with its speaker tag, in one last result without transcript nor confidence.
    results.push({
      alternatives: [
        {
          transcript: '',
          confidence: 0,
          words: words.map((w) => ({ word: w.word, startTime: duration(w.start), endTime: duration(w.end), speakerTag: w.speakerTag ?? 0, speakerLabel: w.speakerLabel ?? '' })),
        },
      ],
      resultEndTime: duration(words.length ? words[words.length - 1].end : 0),
      languageCode: 'en-us',
    });
  }
  return { results, totalBilledTime: duration(Math.ceil(words.length ? words[words.length - 1].end : 0)) };
}
