/**
 * Plays meetings for benchmarks the way `meetflow demo` does: four people from an AMI meeting, a recording
 * whose sidecar WebVTT transcript is an excerpt of that meeting, the video events a room would send.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { scheduleMeeting } from '../../clients/meetings';
import { MeetingEvents, waitForPhase } from '../../clients/video-events';
import type { Config } from '../../config';
import type { UserEntity } from '../../db/entities';
import { findOrCreateUserByEmail } from '../../db/users';
import type { Segment } from '../../integrations/transcripts/types';
import { recordingWorkflowId } from '../../workflows/ids';
import type { MeetingStatus } from '../../workflows/messages';
import { loadQmsumMeetings } from './qmsum-fixtures';

/** The AMI meetings' four roles: the QMSum speaker labels, so the transcript's speakers are the participants. */
const ROLES = ['Project Manager', 'Marketing', 'User Interface', 'Industrial Designer'];
const FIXTURES = path.resolve(__dirname, '..', '..', 'test', 'fixtures', 'qmsum');

export async function benchPeople(orm: MikroORM): Promise<UserEntity[]> {
  const em = orm.em.fork();
  const people: UserEntity[] = [];
  for (const role of ROLES) people.push(await findOrCreateUserByEmail(em, `${role.toLowerCase().replace(/ /g, '.')}@bench.meetflow.local`, role));
  return people;
}

/** The first `turns` turns of ES2002b (a remote-control design meeting) as WebVTT: a few minutes of talk. */
export function excerptVtt(turns: number): string {
  const meeting = loadQmsumMeetings(FIXTURES).find((candidate) => candidate.name === 'ES2002b');
  if (!meeting) throw new Error(`ES2002b.json is missing from ${FIXTURES}`);
  return toVtt(meeting.segments.slice(0, turns));
}

function toVtt(segments: Segment[]): string {
  const cues = segments.map((segment) => `${vttTime(segment.start)} --> ${vttTime(segment.end)}\n<v ${segment.speaker}>${segment.text}`);
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}

function vttTime(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}

/** An empty "audio" file with the transcript beside it, where the sidecar transcriber looks. */
export function placeRecording(dataDir: string, recordingId: string, vtt: string): string {
  const dir = path.join(dataDir, 'recordings');
  mkdirSync(dir, { recursive: true });
  const audio = path.join(dir, `${recordingId}.ogg`);
  writeFileSync(audio, '');
  writeFileSync(path.join(dir, `${recordingId}.vtt`), vtt);
  return audio;
}

export interface PlayedMeeting {
  roomId: string;
  workflowId: string;
  recordingWorkflowId: string;
  status: MeetingStatus;
}

export interface MeetingScript {
  temporal: Client;
  orm: MikroORM;
  cfg: Config;
  people: UserEntity[];
  vtt: string;
}

/** Schedules a meeting for now, plays it (joins, a recording, leaves, the room closing) and waits for its result. */
export async function playMeeting(script: MeetingScript, title: string): Promise<PlayedMeeting> {
  const { temporal, orm, cfg, people, vtt } = script;
  const [host, ...invitees] = people;
  const { room, workflowId } = await scheduleMeeting(
    { em: orm.em.fork(), temporal, cfg },
    { host, title, start: new Date(), durationMinutes: 30, invitees: invitees.map((user) => ({ email: user.email, name: user.name })), settings: { reminderMinutesBefore: 0 } },
  );
  const handle = temporal.workflow.getHandle(workflowId);
  const events = new MeetingEvents(handle);
  await waitForPhase(handle, ['live'], 300_000);
  for (const person of people) await events.join(person.id, person.name);
  const recordingId = `bench-${room.id}`;
  await events.startRecording(recordingId);
  const audio = placeRecording(cfg.DATA_DIR, recordingId, vtt);
  for (const person of people) await events.leave(person.id);
  await events.finishRecording(recordingId, { filePath: audio, durationSeconds: 600 });
  await events.finishRoom();
  const status = (await handle.result()) as MeetingStatus;
  return { roomId: room.id, workflowId, recordingWorkflowId: recordingWorkflowId(room.id, recordingId), status };
}

/** Removes a benchmark's meetings (their participants, recordings, transcripts and summaries go with them). */
export async function deleteRooms(orm: MikroORM, roomIds: string[]): Promise<void> {
  const connection = orm.em.getConnection();
  for (let first = 0; first < roomIds.length; first += 500) {
    await connection.execute(`delete from rooms where id in (?)`, [roomIds.slice(first, first + 500)]);
  }
}

/** Runs `count` jobs with at most `concurrency` in flight; results in job order. */
export async function runPool<T>(count: number, concurrency: number, job: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await job(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return results;
}
