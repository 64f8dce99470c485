import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from 'pino';
import { assembleTranscript } from '../transcripts/assemble';
import type { ParsedTranscript, Segment, Word } from '../transcripts/types';
import { SidecarTranscriptionProvider, sidecarCandidates } from './sidecar';
import { transcribeTracks } from './tracks';
import { type TranscriptionProvider, type TranscriptionRequest, UntranscribableError } from './types';

export const TRANSCRIBER_SCRIPT = path.join(__dirname, 'whisper', 'transcriber.py');
/** The label of the one voice of a mixed recording, where nothing better is known (attendees may name it later). */
export const SINGLE_SPEAKER = 'Speaker 1';

export interface LocalWhisperOptions {
  /** The CTranslate2 Whisper model folder (scripts/whisper.sh puts it in .tools/whisper/model). */
  modelDir: string;
  /** The Python of the venv that has faster-whisper. */
  python: string;
  beamSize: number;
  threads: number;
  log?: Logger;
}

interface WhisperWord {
  word: string;
  start: number;
  end: number;
  probability: number;
}

interface WhisperResult {
  language: string;
  duration: number;
  segments: { start: number; end: number; text: string; words: WhisperWord[] }[];
}

type Reply =
  | { type: 'ready'; loadSeconds: number }
  | { id: string; type: 'progress'; fraction: number }
  | ({ id: string; type: 'result' } & WhisperResult)
  | { id: string; type: 'error'; untranscribable: boolean; message: string };

interface Pending {
  resolve: (result: WhisperResult) => void;
  reject: (error: Error) => void;
  onProgress?: (fraction: number) => void;
}

type TranscriberChild = ChildProcessByStdio<Writable, Readable, Readable>;

/**
 * One long-lived transcriber process (integrations/transcription/whisper/transcriber.py): the model is loaded once,
 * files are sent over stdin as JSON lines and answered on stdout. When the process dies, the requests it held fail
 * (retryably: Temporal tries the activity again) and the next request starts a new one.
 */
export class WhisperProcess {
  private child?: TranscriberChild;
  private readonly pending = new Map<string, Pending>();
  private stderrTail: string[] = [];
  /** Seconds the running process took to load the model (once it has). */
  loadSeconds?: number;

  constructor(private readonly options: LocalWhisperOptions) {}

  /** The running process's id, if one runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * `signal` gives the file up: the request rejects with its reason at once. The process cannot drop a file halfway,
   * so when that was all it had to do it is stopped (the next request starts it again); otherwise it finishes the file
   * for nobody.
   */
  transcribe(file: string, language: string | null, onProgress?: (fraction: number) => void, signal?: AbortSignal): Promise<WhisperResult> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const child = this.child ?? this.start();
    const id = randomUUID();
    return new Promise<WhisperResult>((resolve, reject) => {
      const giveUp = () => {
        if (!this.pending.delete(id)) return;
        reject(signal?.reason);
        if (this.pending.size === 0) child.kill('SIGTERM');
        else this.holdProcessOpen();
      };
      const settle = <T>(then: (value: T) => void) => (value: T) => {
        signal?.removeEventListener('abort', giveUp);
        then(value);
      };
      signal?.addEventListener('abort', giveUp, { once: true });
      this.pending.set(id, { resolve: settle(resolve), reject: settle(reject), onProgress });
      this.holdProcessOpen();
      child.stdin.write(`${JSON.stringify({ id, file, language, wordTimestamps: true, beamSize: this.options.beamSize })}\n`);
    });
  }

  /** Stops the process; requests it held fail. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // Held open until it has exited: an idle transcriber is unref'd, and Node would otherwise quit mid-stop.
    child.ref();
    child.stdin.end();
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  }

  private start(): TranscriberChild {
    const { python, modelDir, threads, log } = this.options;
    const child = spawn(python, [TRANSCRIBER_SCRIPT, '--model-dir', modelDir, '--threads', String(threads)], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, HF_HUB_OFFLINE: '1', PYTHONUNBUFFERED: '1' },
    });
    this.child = child;
    this.stderrTail = [];
    createInterface({ input: child.stdout }).on('line', (line) => this.onLine(line));
    createInterface({ input: child.stderr }).on('line', (line) => {
      this.stderrTail = [...this.stderrTail.slice(-9), line];
    });
    // A broken pipe surfaces as the exit below; without a listener it would crash the worker.
    child.stdin.on('error', () => undefined);
    child.on('error', (error) => this.onExit(child, `could not start ${python}: ${error.message}`));
    // 'close', not 'exit': its stderr has been read to the end by then, so the error can quote it.
    child.on('close', (code, signal) => this.onExit(child, signal ? `was killed (${signal})` : `exited with code ${code}`));
    // When this process exits (the worker's forced exit included), the transcriber goes too, not decoding on for nobody.
    const stopWithParent = () => child.kill('SIGKILL');
    process.once('exit', stopWithParent);
    child.once('exit', () => process.off('exit', stopWithParent));
    log?.info({ pid: child.pid, modelDir }, 'transcriber process starting');
    return child;
  }

  private onLine(line: string): void {
    let reply: Reply;
    try {
      reply = JSON.parse(line) as Reply;
    } catch {
      this.options.log?.warn({ line }, 'transcriber printed a line that is not JSON');
      return;
    }
    if (reply.type === 'ready') {
      this.loadSeconds = reply.loadSeconds;
      this.options.log?.info({ pid: this.child?.pid, loadSeconds: reply.loadSeconds }, 'transcriber model loaded');
      return;
    }
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    if (reply.type === 'progress') return pending.onProgress?.(reply.fraction);
    this.pending.delete(reply.id);
    this.holdProcessOpen();
    if (reply.type === 'result') pending.resolve(reply);
    else pending.reject(reply.untranscribable ? new UntranscribableError(reply.message) : new Error(`the transcriber failed: ${reply.message}`));
  }

  private onExit(child: TranscriberChild, how: string): void {
    if (this.child !== child) return;
    this.child = undefined;
    const detail = this.stderrTail.length ? `: ${this.stderrTail.slice(-3).join(' | ')}` : '';
    const error = new Error(`the transcriber process ${how}${detail}; it starts again on the next attempt`);
    if (this.pending.size) this.options.log?.warn({ pid: child.pid, how, failed: this.pending.size }, 'transcriber process died with requests in flight');
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }

  /** An idle transcriber does not keep Node alive (a CLI run ends when its work does); a busy one does. */
  private holdProcessOpen(): void {
    const child = this.child;
    if (!child) return;
    const busy = this.pending.size > 0;
    for (const handle of [child, child.stdin, child.stdout, child.stderr] as { ref?: () => void; unref?: () => void }[]) {
      if (busy) handle.ref?.();
      else handle.unref?.();
    }
  }
}

/** Whisper wants a language code ('en'), not a locale ('en-US'); 'auto' (or nothing) detects it. */
export function whisperLanguage(language: string | undefined): string | null {
  const code = language?.trim().toLowerCase().split(/[-_]/)[0];
  return !code || code === 'auto' ? null : code;
}

/**
 * A silence longer than this inside one Whisper segment splits it (seconds). Voice activity detection glues the
 * speech of a person's track together before Whisper hears it, so one segment can span someone else's turn.
 */
const SEGMENT_PAUSE_SECONDS = 1.5;

function splitAtPauses(segment: WhisperResult['segments'][number], speaker: string): Segment[] {
  if (segment.words.length === 0) return [{ speaker, start: segment.start, end: segment.end, text: segment.text.trim() }];
  const runs: WhisperWord[][] = [];
  for (const word of segment.words) {
    const run = runs.at(-1);
    if (run && word.start - run.at(-1)!.end <= SEGMENT_PAUSE_SECONDS) run.push(word);
    else runs.push([word]);
  }
  if (runs.length === 1) return [{ speaker, start: segment.start, end: segment.end, text: segment.text.trim() }];
  return runs.map((run) => ({ speaker, start: run[0].start, end: run.at(-1)!.end, text: run.map((word) => word.word).join(' ') }));
}

export function toParsedTranscript(result: WhisperResult, speaker: string): ParsedTranscript {
  const spoken = result.segments.filter((segment) => segment.text.trim() !== '');
  const segments = spoken.flatMap((segment) => splitAtPauses(segment, speaker));
  const whisperWords = spoken.flatMap((segment) => segment.words);
  const words: Word[] = whisperWords.map((word) => ({ word: word.word, start: word.start, end: word.end, speaker }));
  const confidence = whisperWords.length ? Math.round((1000 * whisperWords.reduce((sum, word) => sum + word.probability, 0)) / whisperWords.length) / 1000 : null;
  return { ...assembleTranscript(segments, { language: result.language, words: words.length ? words : undefined }), confidence };
}

const exists = (file: string) => access(file).then(() => true, () => false);

/**
 * The embedded speech-to-text: Whisper (faster-whisper) on this machine. Each person's track is transcribed on its
 * own so every line has a real name; a single mixed file gets one label. Fixtures and the demo keep working: a
 * recording that is a transcript, or has one beside it, is read by the sidecar reader instead.
 */
export class LocalWhisperProvider implements TranscriptionProvider {
  readonly name = 'local';
  private readonly process: WhisperProcess;
  private readonly sidecar = new SidecarTranscriptionProvider();

  constructor(private readonly options: LocalWhisperOptions) {
    this.process = new WhisperProcess(options);
  }

  get transcriberPid(): number | undefined {
    return this.process.pid;
  }

  get modelLoadSeconds(): number | undefined {
    return this.process.loadSeconds;
  }

  /** Fails when the model or the Python venv is missing (scripts/whisper.sh installs both). */
  async check(): Promise<void> {
    for (const file of [path.join(this.options.modelDir, 'model.bin'), this.options.python]) {
      await access(file, constants.R_OK).catch(() => {
        throw new Error(`${file} is missing: run scripts/whisper.sh to install local speech-to-text`);
      });
    }
  }

  async transcribe(request: TranscriptionRequest): Promise<ParsedTranscript> {
    const language = whisperLanguage(request.language);
    if (request.tracks?.length) {
      const tracks = request.tracks;
      return this.nonEmpty(
        await transcribeTracks({ ...request, tracks }, async (track, onProgress) => toParsedTranscript(await this.process.transcribe(track.filePath, language, onProgress, request.signal), track.speaker)),
        request,
      );
    }
    const file = request.filePath ?? (request.fileUrl?.startsWith('file://') ? new URL(request.fileUrl).pathname : undefined);
    if (!file) throw new UntranscribableError(`recording ${request.recordingId} has no local file, and local speech-to-text reads only local files (got ${request.fileUrl ?? 'no URL'})`);
    if (await this.hasSidecar(file)) return this.sidecar.transcribe(request);
    return this.nonEmpty(toParsedTranscript(await this.process.transcribe(file, language, request.onProgress, request.signal), SINGLE_SPEAKER), request);
  }

  close(): Promise<void> {
    return this.process.stop();
  }

  private async hasSidecar(file: string): Promise<boolean> {
    const candidates = sidecarCandidates(file);
    if (candidates.includes(file)) return true;
    for (const candidate of candidates) if (await exists(candidate)) return true;
    return false;
  }

  private nonEmpty(transcript: ParsedTranscript, request: TranscriptionRequest): ParsedTranscript {
    if (transcript.segments.length) return transcript;
    const what = request.tracks?.length ? `none of its ${request.tracks.length} tracks` : path.basename(request.filePath ?? request.fileUrl ?? '');
    throw new UntranscribableError(`recording ${request.recordingId}: no speech found in ${what}`);
  }
}
