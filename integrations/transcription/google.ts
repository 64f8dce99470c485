import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { protos, SpeechClient } from '@google-cloud/speech';
import { assembleTranscript, roundMs } from '../transcripts/assemble';
import type { ParsedTranscript, Segment, Word } from '../transcripts/types';
import { transcribeTracks } from './tracks';
import { type TranscriptionProvider, type TranscriptionRequest, UntranscribableError } from './types';

type RecognitionConfig = protos.google.cloud.speech.v1.IRecognitionConfig;
type RecognitionAudio = protos.google.cloud.speech.v1.IRecognitionAudio;
type RecognizeResponse = protos.google.cloud.speech.v1.ILongRunningRecognizeResponse;
type RecognizeMetadata = protos.google.cloud.speech.v1.ILongRunningRecognizeMetadata;
type WordInfo = protos.google.cloud.speech.v1.IWordInfo;
type Duration = protos.google.protobuf.IDuration;
export type SpeechClientOptions = NonNullable<ConstructorParameters<typeof SpeechClient>[0]>;

export interface GoogleSpeechProviderOptions {
  /**
   * Options of the `@google-cloud/speech` client. In production leave them out: the client uses Application
   * Default Credentials (GOOGLE_APPLICATION_CREDENTIALS). Against a local endpoint pass `apiEndpoint`, `port` and
   * `sslCreds: grpc.credentials.createInsecure()` (google-gax then sends no credentials), plus
   * `universeDomain: 'googleapis.com'` so the auth library does not look for credentials at all.
   */
  client?: SpeechClientOptions;
  /** How often the long-running operation is polled (default 5 s). */
  pollIntervalMs?: number;
  /** Called after every poll with Google's progress (0..100): the activity heartbeats from it. */
  onProgress?: (percent: number) => void;
  /**
   * Gives up (retryably) when the operation is not done after this long (default 110 min, inside the activity's
   * 2-hour start-to-close timeout); the request's `giveUpAt` can make it sooner. The retry follows the same operation.
   */
  maxWaitMs?: number;
  /**
   * Recognition model. Default: unset, so Google picks its default model for the language, which supports speaker
   * diarization for the most languages ('latest_long' does not diarize in every language).
   */
  model?: string;
}

/**
 * Inline audio limit. Synchronous `recognize` accepts only ~1 minute of audio, so everything goes through
 * `longRunningRecognize`, which accepts inline `content` up to 10 MB; longer audio must be read from Cloud Storage.
 */
export const MAX_INLINE_AUDIO_BYTES = 10 * 1024 * 1024;
/** A silence longer than this between two words of the same speaker starts a new segment (seconds). */
const SEGMENT_PAUSE_SECONDS = 1.5;
/** The client library's own defaults retry for up to 10 min and wait up to 83 min per call: Temporal retries instead. */
const CALL_OPTIONS = { timeout: 60_000, retry: null };

// gRPC status codes (google.rpc.Code).
const GRPC_CODE_NAMES: Record<number, string> = {
  1: 'CANCELLED',
  2: 'UNKNOWN',
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  6: 'ALREADY_EXISTS',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  10: 'ABORTED',
  11: 'OUT_OF_RANGE',
  12: 'UNIMPLEMENTED',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  15: 'DATA_LOSS',
  16: 'UNAUTHENTICATED',
};
/** The audio (or the request made from it) is wrong: retrying the same input cannot succeed. */
const UNTRANSCRIBABLE_CODES = new Set([3 /* INVALID_ARGUMENT */, 5 /* NOT_FOUND */, 7 /* PERMISSION_DENIED */, 11 /* OUT_OF_RANGE */]);

/** Two-letter language codes Google Speech wants as a full BCP-47 locale. Others are passed through as given. */
const DEFAULT_LOCALES: Record<string, string> = {
  en: 'en-US',
  fr: 'fr-FR',
  de: 'de-DE',
  es: 'es-ES',
  it: 'it-IT',
  pt: 'pt-BR',
  nl: 'nl-NL',
  sv: 'sv-SE',
  da: 'da-DK',
  nb: 'nb-NO',
  no: 'nb-NO',
  fi: 'fi-FI',
  pl: 'pl-PL',
  cs: 'cs-CZ',
  ru: 'ru-RU',
  uk: 'uk-UA',
  tr: 'tr-TR',
  el: 'el-GR',
  ja: 'ja-JP',
  ko: 'ko-KR',
  zh: 'cmn-Hans-CN',
  hi: 'hi-IN',
  ar: 'ar-EG',
  he: 'iw-IL',
};

export function googleLanguageCode(language: string): string {
  const trimmed = language.trim();
  if (/^[a-z]{2}$/i.test(trimmed)) return DEFAULT_LOCALES[trimmed.toLowerCase()] ?? trimmed.toLowerCase();
  return trimmed;
}

/** Encoding from the file extension; FLAC and WAV carry it in their header too, other formats need it. */
export function encodingFor(file: string): Pick<RecognitionConfig, 'encoding' | 'sampleRateHertz'> {
  switch (path.extname(file).toLowerCase()) {
    case '.flac':
      return { encoding: 'FLAC' };
    case '.wav':
      return { encoding: 'LINEAR16' };
    case '.ogg':
    case '.opus':
      // Ogg Opus is decoded at 48 kHz; Google requires the rate with OGG_OPUS.
      return { encoding: 'OGG_OPUS', sampleRateHertz: 48_000 };
    case '.webm':
      return { encoding: 'WEBM_OPUS', sampleRateHertz: 48_000 };
    default:
      return {};
  }
}

/**
 * Speech-to-text with Google Cloud Speech v1 (`longRunningRecognize` with speaker diarization). Reads the audio
 * from a `gs://` URI, or inline from a small local file.
 */
export class GoogleSpeechProvider implements TranscriptionProvider {
  readonly name = 'google';
  readonly client: SpeechClient;
  private readonly pollIntervalMs: number;
  private readonly maxWaitMs: number;

  constructor(private readonly options: GoogleSpeechProviderOptions = {}) {
    this.client = new SpeechClient(options.client);
    this.pollIntervalMs = options.pollIntervalMs ?? 5_000;
    this.maxWaitMs = options.maxWaitMs ?? 110 * 60 * 1000;
  }

  async transcribe(request: TranscriptionRequest): Promise<ParsedTranscript> {
    if (request.tracks?.length) {
      // Each person's track alone (one speaker each), merged by time with the track's name on every line.
      return transcribeTracks({ ...request, tracks: request.tracks }, (track, onProgress) =>
        this.transcribe({ recordingId: request.recordingId, filePath: track.filePath, language: request.language, speakerCountHint: 1, onProgress, operations: request.operations, onOperation: request.onOperation, giveUpAt: request.giveUpAt, signal: request.signal }),
      );
    }
    const { audio, source } = await this.audioFor(request);
    const config: RecognitionConfig = {
      languageCode: googleLanguageCode(request.language),
      enableAutomaticPunctuation: true,
      enableWordTimeOffsets: true,
      diarizationConfig: {
        enableSpeakerDiarization: true,
        minSpeakerCount: 1,
        maxSpeakerCount: Math.max(2, request.speakerCountHint ?? 6),
      },
      ...(this.options.model ? { model: this.options.model } : {}),
      ...encodingFor(source),
    };
    let response: RecognizeResponse;
    try {
      response = await this.recognize({ config, audio }, { ...request, source });
    } catch (error) {
      throw translateError(error, source);
    }
    return toParsedTranscript(response, request.language);
  }

  close(): Promise<void> {
    return this.client.close();
  }

  private async audioFor(request: TranscriptionRequest): Promise<{ audio: RecognitionAudio; source: string }> {
    if (request.fileUrl?.startsWith('gs://')) return { audio: { uri: request.fileUrl }, source: request.fileUrl };
    const localPath = request.filePath ?? (request.fileUrl?.startsWith('file://') ? new URL(request.fileUrl).pathname : undefined);
    if (!localPath) {
      throw new UntranscribableError(
        `recording ${request.recordingId} has neither a gs:// URI nor a local file: Google Speech reads audio from Cloud Storage (got ${request.fileUrl ?? 'no URL'})`,
      );
    }
    const size = await stat(localPath).then(
      (stats) => (stats.isFile() ? stats.size : null),
      () => null,
    );
    if (size === null) throw new UntranscribableError(`recording ${request.recordingId}: ${localPath} is not a readable file`);
    if (size >= MAX_INLINE_AUDIO_BYTES) {
      throw new UntranscribableError(
        `recording ${request.recordingId}: ${localPath} is ${(size / 1024 / 1024).toFixed(1)} MB, over the 10 MB Google Speech accepts inline; upload it to Cloud Storage and transcribe it from its gs:// URI`,
      );
    }
    return { audio: { content: await readFile(localPath) }, source: localPath };
  }

  /**
   * Starts the long-running recognition (or follows the one an earlier attempt started for this source) and polls
   * it every pollIntervalMs, reporting progress, until it is done or the deadline passes.
   */
  private async recognize(
    request: protos.google.cloud.speech.v1.ILongRunningRecognizeRequest,
    job: Pick<TranscriptionRequest, 'onProgress' | 'operations' | 'onOperation' | 'giveUpAt' | 'signal'> & { source: string },
  ): Promise<RecognizeResponse> {
    const { onProgress } = job;
    const earlier = job.operations?.[job.source];
    const operation = earlier ? await this.client.checkLongRunningRecognizeProgress(earlier) : (await this.client.longRunningRecognize(request, CALL_OPTIONS))[0];
    if (!earlier && operation.name) job.onOperation?.(job.source, operation.name);
    const deadline = Math.min(Date.now() + this.maxWaitMs, job.giveUpAt ?? Infinity);
    let lastProgress = 0;
    const report = () => {
      const metadata = operation.metadata as RecognizeMetadata | null;
      lastProgress = metadata?.progressPercent ?? lastProgress;
      this.options.onProgress?.(lastProgress);
      onProgress?.(lastProgress / 100);
    };
    report();
    while (!operation.latestResponse.done) {
      if (Date.now() > deadline) {
        throw new Error(`Google Speech operation ${operation.name} is not done yet (progress ${lastProgress}%): the next attempt follows it on`);
      }
      // Cancelled: the operation goes on at Google, and the retry follows it (its name went out with the heartbeats).
      await sleep(this.pollIntervalMs, undefined, { signal: job.signal }).catch((error: unknown) => {
        throw job.signal?.aborted ? job.signal.reason : error;
      });
      // One GetOperation with this call's options (no retry, short timeout); updates operation.metadata/result.
      await operation.getOperation();
      report();
    }
    // Done: resolves with the decoded response, or rejects with the operation's error (its google.rpc.Status code).
    const [result] = (await operation.getOperation()) as [RecognizeResponse | null];
    // Google finishes a silent file with done = true and no response at all.
    return result ?? { results: [] };
  }
}

interface GrpcLikeError {
  code?: unknown;
  details?: unknown;
  message?: unknown;
}

function translateError(error: unknown, source: string): Error {
  if (error instanceof UntranscribableError) return error;
  const { code, details, message } = (error ?? {}) as GrpcLikeError;
  if (typeof code !== 'number') return error instanceof Error ? error : new Error(String(error));
  const codeName = GRPC_CODE_NAMES[code] ?? `code ${code}`;
  const detail = typeof details === 'string' && details ? details : String(message ?? '');
  if (UNTRANSCRIBABLE_CODES.has(code)) {
    return new UntranscribableError(`Google Speech cannot read ${source}: ${codeName}: ${detail}`, { cause: error });
  }
  // UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, INTERNAL, UNAUTHENTICATED...: worth another attempt (Temporal).
  return new Error(`Google Speech failed on ${source}: ${codeName}: ${detail}`, { cause: error });
}

function seconds(duration: Duration | null | undefined): number {
  if (!duration) return 0;
  const whole = duration.seconds;
  const wholeSeconds = whole === null || whole === undefined ? 0 : Number(typeof whole === 'object' ? whole.toString() : whole);
  return roundMs(wholeSeconds + (duration.nanos ?? 0) / 1e9);
}

function speakerOf(word: WordInfo): string | undefined {
  if (word.speakerLabel) return `Speaker ${word.speakerLabel}`;
  if (word.speakerTag) return `Speaker ${word.speakerTag}`;
  return undefined;
}

/**
 * Google's diarized answer: each result carries one chunk's transcript (and its words without speakers); the LAST
 * result repeats every word of the audio with its speaker tag. Without diarization, the words are the chunks' words.
 */
export function toParsedTranscript(response: RecognizeResponse, language: string): ParsedTranscript {
  const results = (response.results ?? []).filter((result) => result.alternatives?.length);
  const best = results.map((result) => result.alternatives![0]);
  const lastWords = best.at(-1)?.words ?? [];
  const diarized = lastWords.some((word) => speakerOf(word) !== undefined);
  const wordInfos = diarized ? lastWords : best.flatMap((alternative) => alternative.words ?? []);

  const words: Word[] = wordInfos
    .filter((info) => (info.word ?? '').trim() !== '')
    .map((info) => ({ word: info.word!.trim(), start: seconds(info.startTime), end: seconds(info.endTime), speaker: speakerOf(info) ?? 'Speaker 1' }));

  const segments: Segment[] = [];
  let current: { segment: Segment; words: string[] } | undefined;
  for (const word of words) {
    const speaker = word.speaker!;
    if (!current || current.segment.speaker !== speaker || word.start - current.segment.end > SEGMENT_PAUSE_SECONDS) {
      current = { segment: { speaker, start: word.start, end: word.end, text: '' }, words: [] };
      segments.push(current.segment);
    }
    current.words.push(word.word);
    current.segment.end = Math.max(current.segment.end, word.end);
    current.segment.text = current.words.join(' ');
  }

  const confidences = best.map((alternative) => alternative.confidence ?? 0).filter((confidence) => confidence > 0);
  const confidence = confidences.length ? Math.round((1000 * confidences.reduce((sum, c) => sum + c, 0)) / confidences.length) / 1000 : null;
  return { ...assembleTranscript(segments, { language, words }), confidence };
}
