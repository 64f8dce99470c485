/**
 * bench/transcription: local speech-to-text (Whisper base, faster-whisper int8) on about 10 minutes of a generated
 * three-person meeting (espeak-ng voices reading business sentences): real-time factor and word error rate with
 * beam search and with greedy decoding on the mixed recording, and on per-person tracks (the embedded recorder's
 * output) with the share of words given to the right person. Baseline, same run: only decoding the same audio
 * file to 16 kHz samples (PyAV, what the transcriber does first). Also the model's load time and the transcriber
 * process's peak memory.
 *
 * Environment:
 *   BENCH_STT_MINUTES   minutes of generated meeting (default 10)
 *   BENCH_STT_SEED      sentence order seed (default 14)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { config } from '../config';
import { localWhisperInstalled } from '../integrations';
import { LocalWhisperProvider } from '../integrations/transcription/local';
import type { TrackAudio } from '../integrations/transcription/types';
import type { ParsedTranscript } from '../integrations/transcripts/types';
import { reportFigures } from './lib/figures';
import { writeSpokenMeeting, PEOPLE, type Turn } from './lib/spoken-meeting';
import { durationOf, writeWav } from './lib/speech';
import { formatTable } from './lib/table';
import { wordErrorRate } from './lib/wer';

const MINUTES = Number(process.env.BENCH_STT_MINUTES ?? 10);
const SEED = Number(process.env.BENCH_STT_SEED ?? 14);
const seconds = (ms: number) => ms / 1000;
const pct = (fraction: number) => `${(100 * fraction).toFixed(1)}%`;

/** Seconds the transcriber's Python takes only to decode the file to 16 kHz mono samples (best of 2). */
function decodeSeconds(python: string, file: string): number {
  const script = 'import sys, time\nfrom faster_whisper.audio import decode_audio\nt = time.perf_counter()\ndecode_audio(sys.argv[1])\nprint(time.perf_counter() - t)';
  return Math.min(...[1, 2].map(() => Number(execFileSync(python, ['-c', script, file], { encoding: 'utf8' }).trim())));
}

/** CPU seconds (user + system) a process has used: the work done, whatever else shares the machine. */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Peak resident memory (VmHWM) of a process, in MB. */
function peakRssMb(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : undefined;
}

/** Share of the words said in a turn that the transcript gives to that turn's speaker (by time). */
function attribution(transcript: ParsedTranscript, turns: Turn[]): number {
  const speakerAt = (time: number) => turns.find((turn) => time >= turn.start - 0.3 && time <= turn.start + durationOf(turn.pcm) + 0.3)?.speaker;
  const judged = transcript.words.filter((word) => speakerAt((word.start + word.end) / 2));
  return judged.filter((word) => word.speaker === speakerAt((word.start + word.end) / 2)).length / Math.max(judged.length, 1);
}

interface Run {
  label: string;
  ms: number;
  /** CPU seconds of the transcriber process during the run (model load excluded). */
  cpu: number;
  wer: number;
  attribution?: number;
}

async function main(): Promise<void> {
  const cfg = config();
  if (!localWhisperInstalled(cfg)) throw new Error(`no local Whisper at ${cfg.WHISPER_MODEL_DIR}: run scripts/whisper.sh first`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'meetflow-bench-stt-'));
  const generation = performance.now();
  const meeting = await writeSpokenMeeting(dir, MINUTES, SEED);
  const { turns, seconds: meetingSeconds, mixed } = meeting;
  const tracks: TrackAudio[] = meeting.tracks.map((track) => ({ ...track, offsetSeconds: 0 }));
  const reference = meeting.script;
  console.log(`generated ${turns.length} turns, ${(meetingSeconds / 60).toFixed(1)} min of speech by ${PEOPLE.length} voices in ${seconds(performance.now() - generation).toFixed(1)} s`);

  const decode = decodeSeconds(cfg.WHISPER_PYTHON, mixed);
  const runs: Run[] = [];
  const loads: number[] = [];
  let rss: number | undefined;
  for (const beamSize of [5, 1]) {
    const provider = new LocalWhisperProvider({ modelDir: cfg.WHISPER_MODEL_DIR, python: cfg.WHISPER_PYTHON, beamSize, threads: cfg.WHISPER_THREADS });
    try {
      const label = beamSize === 1 ? 'greedy' : `beam ${beamSize}`;
      // A one-second clip first: starts the process and loads the model, so the runs below time only transcription.
      await provider.transcribe({ recordingId: 'warm-up', filePath: writeWav(path.join(dir, 'warm-up.wav'), turns[0].pcm), language: 'en' });
      loads.push(provider.modelLoadSeconds ?? NaN);
      const pid = provider.transcriberPid;
      let [started, cpu] = [performance.now(), cpuSeconds(pid)];
      const single = await provider.transcribe({ recordingId: 'bench', filePath: mixed, language: 'en' });
      runs.push({ label: `${label}, mixed file`, ms: performance.now() - started, cpu: cpuSeconds(pid) - cpu, wer: wordErrorRate(reference, single.segments.map((s) => s.text).join(' ')) });
      [started, cpu] = [performance.now(), cpuSeconds(pid)];
      const merged = await provider.transcribe({ recordingId: 'bench', language: 'en', tracks });
      runs.push({ label: `${label}, per-person tracks`, ms: performance.now() - started, cpu: cpuSeconds(pid) - cpu, wer: wordErrorRate(reference, merged.segments.map((s) => s.text).join(' ')), attribution: attribution(merged, turns) });
      rss = Math.max(rss ?? 0, peakRssMb(provider.transcriberPid) ?? 0);
    } finally {
      await provider.close();
    }
  }

  const rtf = (ms: number) => seconds(ms) / meetingSeconds;
  console.log(
    formatTable(
      ['run', 'seconds', 'real-time factor', 'CPU s per audio s', 'WER', 'words to the right person'],
      [
        ...runs.map((run) => [run.label, seconds(run.ms).toFixed(1), rtf(run.ms).toFixed(3), (run.cpu / meetingSeconds).toFixed(3), pct(run.wer), run.attribution === undefined ? '-' : pct(run.attribution)]),
        ['baseline: decode the mixed file only (PyAV)', decode.toFixed(2), (decode / meetingSeconds).toFixed(4), '-', '-', '-'],
      ],
    ),
  );
  console.log(`load average during the run: ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores (the real-time factor is wall time: it grows with whatever else runs; CPU s per audio s does not)`);
  console.log(`model load: ${loads.map((load) => `${load.toFixed(1)} s`).join(', ')}; transcriber peak RSS ${rss} MB; ${cfg.WHISPER_THREADS} threads`);
  const byLabel = (label: string) => runs.find((run) => run.label === label)!;
  reportFigures('transcription', [
    { figure: `RTF (CPU s/audio s), beam 5, ${(meetingSeconds / 60).toFixed(0)} min mixed`, value: `${rtf(byLabel('beam 5, mixed file').ms).toFixed(3)} (${(byLabel('beam 5, mixed file').cpu / meetingSeconds).toFixed(3)})`, baseline: `decode only ${(decode / meetingSeconds).toFixed(4)}` },
    { figure: 'RTF (CPU s/audio s), greedy, mixed', value: `${rtf(byLabel('greedy, mixed file').ms).toFixed(3)} (${(byLabel('greedy, mixed file').cpu / meetingSeconds).toFixed(3)})`, baseline: `decode only ${(decode / meetingSeconds).toFixed(4)}` },
    { figure: 'WER beam 5 / greedy, mixed', value: `${pct(byLabel('beam 5, mixed file').wer)} / ${pct(byLabel('greedy, mixed file').wer)}`, baseline: 'script read by espeak-ng' },
    { figure: 'per-person tracks, beam 5: RTF, words to the right person', value: `${rtf(byLabel('beam 5, per-person tracks').ms).toFixed(3)}, ${pct(byLabel('beam 5, per-person tracks').attribution!)}`, baseline: '-' },
    { figure: 'model load, transcriber peak RSS', value: `${loads[0].toFixed(1)} s, ${rss} MB`, baseline: '-' },
  ]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
