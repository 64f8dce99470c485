/**
 * bench/local-meeting: one 30-minute three-person meeting on the local providers, from the room closing to every
 * participant's recap delivered: each person's own track (as Meetflow's recorder writes them) transcribed by
 * local Whisper, summarized by the local summarizer, reports built, DMs sent (the embedded chat log). Baseline,
 * same run: the same meeting with its script as a sidecar transcript (no speech-to-text), so the difference is
 * what local transcription costs.
 *
 * Environment:
 *   BENCH_LOCAL_MEETING_MINUTES  minutes of generated meeting (default 30)
 *   BENCH_LOCAL_MEETING_SEED     sentence order seed (default 17)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { scheduleMeeting } from '../clients/meetings';
import { MeetingEvents, waitForPhase } from '../clients/video-events';
import { config } from '../config';
import { Notification, Recording, RecordingTrack, Transcript } from '../db/entities';
import type { UserEntity } from '../db/entities';
import { findOrCreateUserByEmail } from '../db/users';
import { localWhisperInstalled } from '../integrations';
import type { MeetingStatus } from '../workflows/messages';
import { startBenchStack, type BenchStack } from './lib/bench-env';
import { reportFigures } from './lib/figures';
import { writeSpokenMeeting, type SpokenMeeting } from './lib/spoken-meeting';
import { formatTable } from './lib/table';
import { wordErrorRate } from './lib/wer';

const MINUTES = Number(process.env.BENCH_LOCAL_MEETING_MINUTES ?? 30);
const SEED = Number(process.env.BENCH_LOCAL_MEETING_SEED ?? 17);

interface Outcome {
  label: string;
  /** The room-finished signal → the last recap DM's sent_at. */
  endToDeliveredMs: number;
  recaps: number;
  status: MeetingStatus;
  /** Word error rate of the stored transcript against the script read. */
  wer: number;
}

async function people(stack: BenchStack, meeting: SpokenMeeting): Promise<UserEntity[]> {
  const em = stack.orm.em.fork();
  const names = meeting.tracks.map((track) => track.speaker);
  return Promise.all(names.map((name) => findOrCreateUserByEmail(em, `${name.toLowerCase()}@local-meeting.bench.meetflow.local`, name)));
}

/** The script as WebVTT with each turn's speaker: what a perfect transcriber would have produced. */
function scriptVtt(meeting: SpokenMeeting): string {
  const time = (seconds: number) => new Date(Math.round(seconds * 1000)).toISOString().slice(11, 23);
  const cues = meeting.turns.map((turn) => `${time(turn.start)} --> ${time(turn.start + turn.pcm.samples.length / turn.pcm.sampleRate)}\n<v ${turn.speaker}>${turn.text}`);
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}

/** Stores each person's track the way the recorder does when it stops (complete, from the recording's start). */
async function storeTracks(stack: BenchStack, recordingId: string, attendees: UserEntity[], meeting: SpokenMeeting): Promise<void> {
  const em = stack.orm.em.fork();
  let recording = await em.findOne(Recording, { livekitRecordingId: recordingId });
  for (let tries = 0; !recording && tries < 100; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    recording = await em.findOne(Recording, { livekitRecordingId: recordingId });
  }
  if (!recording) throw new Error(`recording ${recordingId} never reached the database`);
  for (const [index, track] of meeting.tracks.entries()) {
    const user = attendees[index];
    em.create(RecordingTrack, { recording, identity: user.id, user, name: user.name, part: 0, filePath: track.filePath, offsetMs: 0, durationMs: Math.round(meeting.seconds * 1000), status: 'complete' });
  }
  await em.flush();
}

async function playMeeting(stack: BenchStack, meeting: SpokenMeeting, label: string, recordingFile: (recordingId: string) => string, perTrack: boolean): Promise<Outcome> {
  const attendees = await people(stack, meeting);
  const [host, ...invitees] = attendees;
  const { room, workflowId } = await scheduleMeeting(
    { em: stack.orm.em.fork(), temporal: stack.temporal, cfg: stack.cfg },
    { host, title: `Quarterly planning (${label})`, start: new Date(), durationMinutes: MINUTES, invitees: invitees.map((user) => ({ email: user.email, name: user.name, userId: user.id })), settings: { reminderMinutesBefore: 0, language: 'en' } },
  );
  const handle = stack.temporal.workflow.getHandle(workflowId);
  const events = new MeetingEvents(handle);
  await waitForPhase(handle, ['live'], 300_000);
  for (const person of attendees) await events.join(person.id, person.name);
  const recordingId = `local-meeting-${room.id}`;
  await events.startRecording(recordingId);
  if (perTrack) await storeTracks(stack, recordingId, attendees, meeting);
  for (const person of attendees) await events.leave(person.id);
  await events.finishRecording(recordingId, { filePath: recordingFile(recordingId), durationSeconds: Math.round(meeting.seconds) });
  const ended = new Date();
  await events.finishRoom();
  const status = (await handle.result()) as MeetingStatus;
  const recaps = await stack.orm.em.fork().find(Notification, { type: 'meeting_summary', data: { roomId: room.id } });
  const last = Math.max(...recaps.map((recap) => recap.sentAt?.getTime() ?? NaN));
  const transcript = await stack.orm.em.fork().findOneOrFail(Transcript, { room: room.id });
  const heard = [...transcript.segments].sort((a, b) => a.start - b.start).map((segment) => segment.text).join(' ');
  return { label, endToDeliveredMs: last - ended.getTime(), recaps: recaps.filter((recap) => recap.deliveryStatus === 'sent').length, status, wer: wordErrorRate(meeting.script, heard) };
}

async function run(label: string, transcription: 'local' | 'sidecar', meeting: SpokenMeeting, dataDir: string): Promise<Outcome> {
  const stack = await startBenchStack(`local-meeting-${transcription}`, { TRANSCRIPTION_PROVIDER: transcription, SUMMARIZER_PROVIDER: 'local', DATA_DIR: dataDir });
  try {
    if (transcription === 'local') return await playMeeting(stack, meeting, label, () => meeting.mixed, true);
    return await playMeeting(
      stack,
      meeting,
      label,
      (recordingId) => {
        const audio = path.join(dataDir, `${recordingId}.wav`);
        writeFileSync(audio, '');
        writeFileSync(path.join(dataDir, `${recordingId}.vtt`), scriptVtt(meeting));
        return audio;
      },
      false,
    );
  } finally {
    await stack.stop();
  }
}

async function main(): Promise<void> {
  const cfg = config();
  if (!localWhisperInstalled(cfg)) throw new Error(`no local Whisper at ${cfg.WHISPER_MODEL_DIR}: run scripts/whisper.sh first`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'meetflow-bench-local-meeting-'));
  const generated = performance.now();
  const meeting = await writeSpokenMeeting(dir, MINUTES, SEED);
  console.log(`generated ${meeting.turns.length} turns, ${(meeting.seconds / 60).toFixed(1)} min, ${meeting.tracks.length} people in ${((performance.now() - generated) / 1000).toFixed(1)} s`);
  const baseline = await run('sidecar transcript (baseline)', 'sidecar', meeting, dir);
  const local = await run('local Whisper, per-person tracks', 'local', meeting, dir);
  const rows = [local, baseline].map((outcome) => [
    outcome.label,
    (outcome.endToDeliveredMs / 1000).toFixed(1),
    String(outcome.recaps),
    `${(100 * outcome.wer).toFixed(1)}%`,
    outcome.status.phase,
  ]);
  console.log(formatTable(['run', 'room closed → last recap DM (s)', 'recaps sent', 'transcript WER', 'phase'], rows));
  console.log(`script: ${meeting.script.split(/\s+/).length} words; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);
  reportFigures('local-meeting', [
    {
      figure: `${MINUTES}-minute 3-person meeting, room closed → every recap DM, local providers`,
      value: `${(local.endToDeliveredMs / 1000).toFixed(1)} s (${local.recaps} DMs, WER ${(100 * local.wer).toFixed(1)}%)`,
      baseline: `sidecar transcript ${(baseline.endToDeliveredMs / 1000).toFixed(1)} s`,
    },
  ]);
  if (local.status.phase !== 'completed' || local.recaps < meeting.tracks.length) throw new Error(`the local meeting ended ${local.status.phase} with ${local.recaps} recaps: ${local.status.lastError ?? ''}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
