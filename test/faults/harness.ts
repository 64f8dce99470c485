import type { MikroORM } from '@mikro-orm/postgresql';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { ChildProcess } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { scheduleMeeting } from '../../clients/meetings';
import { MeetingEvents } from '../../clients/video-events';
import { loadConfig, type Config } from '../../config';
import { Room, type UserEntity } from '../../db/entities';
import type { MeetingStatus } from '../../workflows/messages';
import { openOrm } from '../../db/orm';
import { unique } from '../helpers/db';
import { createUser } from '../helpers/factories';
import { vttOf } from '../helpers/meeting';
import { faultsEnv } from './env';
import { sleep, waitFor } from '../helpers/wait';
import { spawnService } from '../helpers/processes';

/** A seeded PRNG (mulberry32): the same seed gives the same kill points. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Retries a call of the test itself (not of the product) through a restart of the service it talks to. */
export async function patiently<T>(what: string, call: () => Promise<T>, timeoutMs = 60_000, stop?: AbortSignal): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (stop?.aborted) throw new Error(`${what}: the test is over`);
      if (Date.now() > deadline) throw new Error(`${what}: still failing after ${timeoutMs} ms: ${(error as Error).message}`);
      await sleep(250);
    }
  }
}

/** One test file's world: its task queue, its data folder, its worker processes, the ORM and client of the test. */
export class FaultWorld {
  readonly taskQueue = unique('faults');
  readonly dataDir: string;
  readonly cfg: Config;
  orm!: MikroORM;
  connection!: Connection;
  client!: Client;
  /** Aborted at close: Temporal calls of the test still waiting (results, retried signals) end then. */
  readonly aborted = new AbortController();
  private starts = 0;
  private readonly workers = new Set<ChildProcess>();

  constructor(
    readonly label: string,
    /** Provider settings of the worker processes (SLACK_API_URL, ANTHROPIC_BASE_URL ...). */
    readonly workerEnv: Record<string, string> = {},
  ) {
    const { dir, databaseUrl, temporalAddress } = faultsEnv();
    this.dataDir = mkdtempSync(path.join(dir, `${label}-`));
    // Every signal, update and result wait of every meeting listens on it at once (50 meetings: hundreds).
    setMaxListeners(0, this.aborted.signal);
    this.cfg = loadConfig({ ...process.env, DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress, DATA_DIR: this.dataDir, PUBLIC_URL: 'http://meetflow.test', LOG_LEVEL: 'silent', TEMPORAL_TASK_QUEUE: this.taskQueue, ...workerEnv });
  }

  async open(): Promise<this> {
    this.orm = await openOrm(this.cfg.DATABASE_URL, { debug: false });
    this.connection = await Connection.connect({ address: this.cfg.TEMPORAL_ADDRESS });
    this.client = new Client({ connection: this.connection });
    return this;
  }

  /** A fresh pool for the test's own queries (after a PostgreSQL restart cut the old connections). */
  async reopenOrm(): Promise<void> {
    await this.orm.close().catch(() => undefined);
    this.orm = await openOrm(this.cfg.DATABASE_URL, { debug: false });
  }

  async close(): Promise<void> {
    this.aborted.abort();
    await Promise.all([...this.workers].map((worker) => this.stopWorker(worker, 'SIGKILL')));
    await this.connection?.close();
    await this.orm?.close();
  }

  /**
   * The worker `npm start` runs (node with tsx's loader, so signals reach it and not a wrapper), on this world's
   * task queue; resolves once it logged "worker started" (it polls from then on). Its output goes to a log file.
   */
  async startWorker(): Promise<ChildProcess> {
    this.starts += 1;
    const logFile = path.join(this.dataDir, `worker-${this.starts}.log`);
    const env = {
      NODE_ENV: 'test',
      DATABASE_URL: this.cfg.DATABASE_URL,
      TEMPORAL_ADDRESS: this.cfg.TEMPORAL_ADDRESS,
      TEMPORAL_TASK_QUEUE: this.taskQueue,
      DATA_DIR: this.dataDir,
      PUBLIC_URL: this.cfg.PUBLIC_URL,
      WORKER_METRICS_PORT: '0',
      WORKER_STICKY_QUEUE_TIMEOUT_SECONDS: String(this.cfg.WORKER_STICKY_QUEUE_TIMEOUT_SECONDS),
      ...this.workerEnv,
    };
    const worker = spawnService('workers/main.ts', env, { logFile });
    this.workers.add(worker.child);
    worker.child.once('exit', () => this.workers.delete(worker.child));
    await worker.waitForLog('worker started', 60_000).catch((error: Error) => {
      throw new Error(`worker ${this.starts} did not start (log: ${logFile}): ${error.message}`);
    });
    return worker.child;
  }

  async stopWorker(worker: ChildProcess, signal: NodeJS.Signals): Promise<void> {
    if (worker.exitCode !== null || worker.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.kill(signal);
    await exited;
  }

  makeUser(name: string, overrides: Partial<UserEntity> = {}): Promise<UserEntity> {
    return createUser(this.orm.em.fork(), { name, email: `${unique(name.split(' ')[0].toLowerCase())}@example.test`, ...overrides });
  }

  /** Schedules a meeting through the same code the API uses, on this world's task queue. */
  async schedule(host: UserEntity, guests: UserEntity[], options: { title?: string; start?: Date } = {}): Promise<Meeting> {
    const { room, workflowId } = await scheduleMeeting(
      { em: this.orm.em.fork(), temporal: this.client, cfg: this.cfg, taskQueue: this.taskQueue },
      { host, title: options.title ?? unique('Fault sync'), start: options.start ?? new Date(), durationMinutes: 30, invitees: guests.map((g) => ({ email: g.email })), settings: { reminderMinutesBefore: 0 } },
    );
    return { roomId: room.id, workflowId, people: [host, ...guests], handle: this.client.workflow.getHandle(workflowId), scheduledStart: options.start ?? new Date() };
  }

  /** The meeting's phase as stored in rooms.status (no worker needed to answer, unlike a query). */
  async phase(meeting: Meeting): Promise<string> {
    return (await this.orm.em.fork().findOneOrFail(Room, meeting.roomId, { fields: ['status'] })).status;
  }

  /**
   * Plays the meeting once it is live, as its video room would: everyone joins, a recording (with a sidecar
   * transcript, or audio for a speech provider) runs, everyone leaves, the room closes, the recording finishes.
   * Each signal is retried through a Temporal restart; a redelivered signal is deduplicated by its event id.
   */
  play(meeting: Meeting, options: { liveWithinMs?: number; beforeLeaving?: Promise<unknown> } = {}): Promise<void> {
    const playing = this.playMeeting(meeting, options);
    playing.catch(() => undefined); // awaited by the test; a test that failed first must not also crash the run
    return playing;
  }

  private async playMeeting(meeting: Meeting, options: { liveWithinMs?: number; beforeLeaving?: Promise<unknown> }): Promise<void> {
    await waitFor(`meeting ${meeting.roomId} to go live`, async () => this.aborted.signal.aborted || (await this.phase(meeting)) === 'live', options.liveWithinMs ?? 120_000, 250).catch(async (error: Error) => {
      throw new Error(`${error.message}; it is ${await this.phase(meeting).catch(() => '?')}, ${await pendingWork(this.client, meeting.workflowId)}`);
    });
    const events = new MeetingEvents(meeting.handle);
    const send = (what: string, call: () => Promise<void>) =>
      patiently(`${what} (${meeting.roomId})`, () => this.client.withAbortSignal(this.aborted.signal, call), 90_000, this.aborted.signal);
    for (const person of meeting.people) await send('join', () => events.join(person.id, person.name));
    const recordingId = unique('EG');
    await send('recording started', () => events.startRecording(recordingId));
    const audio = path.join(this.dataDir, `${recordingId}.ogg`);
    writeFileSync(audio, 'OggS fake audio');
    const [host, ...guests] = meeting.people;
    writeFileSync(
      path.join(this.dataDir, `${recordingId}.vtt`),
      vttOf([
        [host.name, 'Welcome everyone. We agreed to ship the new release on Friday.'],
        ...guests.map((guest, i): [string, string] => [guest.name, `I will write part ${i + 1} of the announcement by Thursday.`]),
        [host.name, 'Thanks, that is all for today.'],
      ]),
    );
    // The meeting stays live (people in the room, recording running) until the test lets it end.
    await options.beforeLeaving;
    for (const person of meeting.people) await send('leave', () => events.leave(person.id));
    await send('room finished', () => events.finishRoom());
    await send('recording finished', () => events.finishRecording(recordingId, { filePath: audio }));
  }
}

export interface Meeting {
  roomId: string;
  workflowId: string;
  people: UserEntity[];
  handle: WorkflowHandle;
  scheduledStart: Date;
}

/** What a meeting (and its recording pipeline) still waits on, for a failure message that says where it got stuck. */
export async function pendingWork(client: Client, workflowId: string): Promise<string> {
  try {
    const { raw, status } = await client.workflow.getHandle(workflowId).describe();
    const activities = (raw.pendingActivities ?? []).map((a) => `${a.activityType?.name} (attempt ${a.attempt}${a.lastFailure?.message ? `, last failure: ${a.lastFailure.message}` : ''})`);
    const children = await Promise.all((raw.pendingChildren ?? []).map((c) => pendingWork(client, c.workflowId!)));
    const task = raw.pendingWorkflowTask ? ` workflow task: state ${raw.pendingWorkflowTask.state}, attempt ${raw.pendingWorkflowTask.attempt}` : '';
    return `${workflowId} ${status.name} pending: [${activities.join('; ')}]${task}${children.length ? ` children: {${children.join(' | ')}}` : ''}; ${await lastEvents(client, workflowId)}`;
  } catch (error) {
    return `${workflowId}: cannot describe (${(error as Error).message})`;
  }
}

/** The history's last events, and the last workflow task failure's message: what a stuck meeting last did. */
async function lastEvents(client: Client, workflowId: string): Promise<string> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const name = (type: unknown) => String(temporal.api.enums.v1.EventType[Number(type)] ?? type).replace('EVENT_TYPE_', '');
  const failure = [...events].reverse().find((event) => event.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes?.failure?.message;
  return `last events: ${events.slice(-8).map((event) => name(event.eventType)).join(', ')}${failure ? `; last workflow task failure: ${failure}` : ''}`;
}

/** Waits for every meeting's workflow result; on a timeout, fails naming what each unfinished meeting waits on. */
export async function allResults(world: FaultWorld, meetings: Meeting[], timeoutMs: number): Promise<MeetingStatus[]> {
  const results: (MeetingStatus | undefined)[] = meetings.map(() => undefined);
  let done = false;
  const stop = new AbortController();
  setMaxListeners(0, stop.signal); // one result wait per meeting listens on it
  const stopWaiting = () => stop.abort();
  world.aborted.signal.addEventListener('abort', stopWaiting, { once: true });
  const wait = async (meeting: Meeting, i: number) => {
    // Retried through a Temporal restart (the long poll breaks); stops once the wait is over either way.
    while (!done) {
      try {
        results[i] = (await world.client.withAbortSignal(stop.signal, () => meeting.handle.result())) as MeetingStatus;
        return;
      } catch (error) {
        if (done) return;
        if ((error as Error).name === 'WorkflowFailedError') throw error;
        await sleep(250);
      }
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const outcome = await Promise.race([Promise.all(meetings.map(wait)), timedOut]).finally(() => {
    done = true;
    stop.abort();
    clearTimeout(timer);
    world.aborted.signal.removeEventListener('abort', stopWaiting);
  });
  if (outcome === 'timeout') {
    const stuck = meetings.filter((_, i) => !results[i]);
    const details = await Promise.all(stuck.slice(0, 5).map((meeting) => pendingWork(world.client, meeting.workflowId)));
    throw new Error(`${stuck.length} of ${meetings.length} meetings did not finish within ${timeoutMs} ms:\n  ${details.join('\n  ')}`);
  }
  return results as MeetingStatus[];
}

/** Rows that share a natural key (there must be none), table by table. */
export async function duplicateRows(orm: MikroORM): Promise<Record<string, number>> {
  const keys: Record<string, string> = {
    participants: 'room_id, user_id',
    meeting_summaries: 'transcript_id, version',
    action_items: 'summary_id, position',
    participant_reports: 'summary_id, participant_id',
    notifications: 'idempotency_key',
    transcripts: 'recording_id',
    recordings: 'livekit_recording_id',
    room_invitations: 'room_id, invitee_email',
  };
  const found: Record<string, number> = {};
  for (const [table, key] of Object.entries(keys)) {
    const [row] = await orm.em.fork().getConnection().execute<{ n: string }[]>(`select count(*) as n from (select ${key} from ${table} group by ${key} having count(*) > 1) d`);
    found[table] = Number(row.n);
  }
  return found;
}

/** Rows per meeting: what a finished meeting with `people` attendees and one recording must have, exactly. */
export async function rowsOf(orm: MikroORM, roomId: string, summaryId: string) {
  const one = async (sql: string, params: unknown[]) => Number((await orm.em.fork().getConnection().execute<{ n: string }[]>(sql, params))[0].n);
  return {
    participants: await one('select count(*) as n from participants where room_id = ? and status <> ?', [roomId, 'invited']),
    recordings: await one('select count(*) as n from recordings where room_id = ?', [roomId]),
    transcripts: await one('select count(*) as n from transcripts where room_id = ?', [roomId]),
    summaries: await one('select count(*) as n from meeting_summaries where room_id = ?', [roomId]),
    reports: await one('select count(*) as n from participant_reports where summary_id = ?', [summaryId]),
    resultRowsSent: await one("select count(*) as n from notifications where type = 'meeting_summary' and data->>'summaryId' = ? and delivery_status = 'sent'", [summaryId]),
    resultRows: await one("select count(*) as n from notifications where type = 'meeting_summary' and data->>'summaryId' = ?", [summaryId]),
  };
}
