/**
 * bench/room: meetings held for real on this machine, all at once: a real LiveKit server, the API receiving its
 * signed webhooks, a worker process (`workers/main.ts`) and, per meeting, speakers publishing speech with the
 * LiveKit client (this process). Figures: the worker's CPU (% of one core) and RSS per recorded track (the
 * recorder on, less the same run with it off, over the tracks), and the webhook → workflow signal lag (a speaker
 * connected → the participantJoined signal in the meeting's history, server time). Baseline, in the same run and
 * first: the same meetings and speakers with RECORDER=off.
 *
 * Environment:
 *   BENCH_ROOM_MEETINGS   meetings at once (default 10)
 *   BENCH_ROOM_SPEAKERS   speakers per meeting (default 3)
 *   BENCH_ROOM_SECONDS    seconds everyone stays and talks (default 40)
 */
import { dispose } from '@livekit/rtc-node';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createApp, DEFAULT_LIMITS } from '../api/app';
import { scheduleMeeting } from '../clients/meetings';
import { config, loadConfig } from '../config';
import { findOrCreateUserByEmail } from '../db/users';
import { RecordingTrack, Room } from '../db/entities';
import { createProviders } from '../integrations';
import { listen } from '../test/helpers/http';
import { startLocalLiveKit, type LocalLiveKit } from '../test/helpers/livekit-server';
import { freePort, spawnService } from '../test/helpers/processes';
import { Speaker, speakerToken, speech } from '../test/helpers/speakers';
import { openBenchDatabase, percentile } from './lib/bench-env';
import { reportFigures } from './lib/figures';
import type { History } from './lib/history-timings';
import { deleteRooms } from './lib/meeting-driver';
import { formatTable } from './lib/table';

const MEETINGS = Number(process.env.BENCH_ROOM_MEETINGS ?? 10);
const SPEAKERS = Number(process.env.BENCH_ROOM_SPEAKERS ?? 3);
const SECONDS = Number(process.env.BENCH_ROOM_SECONDS ?? 40);
const TICKS_PER_SECOND = 100; // /proc/<pid>/stat counts CPU time in clock ticks (USER_HZ), 100 on Linux
const MB = 1024 * 1024;
const VOICES = ['en-us', 'en-gb+f3', 'en-gb-scotland'];
const LINES = ['We agreed to ship the new release on Friday.', 'I will write the announcement by Thursday afternoon.', 'The budget review moves to next week.'];

interface Round {
  recorder: 'off' | 'tracks';
  /** Mean CPU of the worker process while everyone talked, % of one core. */
  workerCpu: number;
  workerRssMb: number;
  /** This process: the speakers (LiveKit clients) and the API. */
  driverCpu: number;
  signalLagsMs: number[];
  tracks: number;
}

/** CPU seconds (user + system) and RSS of a process, from /proc. */
function usage(pid: number): { cpuSeconds: number; rssBytes: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const rssPages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
  return { cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND, rssBytes: rssPages * 4096 };
}

/** When each identity's participantJoined signal reached the workflow (server time, ms). */
function joinSignals(history: History): Map<string, number> {
  const joined = new Map<string, number>();
  for (const event of history.events ?? []) {
    const signal = event.workflowExecutionSignaledEventAttributes;
    if (signal?.signalName !== 'participantJoined') continue;
    const data = signal.input?.payloads?.[0]?.data;
    if (!data) continue;
    const { identity } = JSON.parse(Buffer.from(data).toString('utf8')) as { identity: string };
    const at = Number(event.eventTime?.seconds ?? 0) * 1000 + Math.round((event.eventTime?.nanos ?? 0) / 1e6);
    if (!joined.has(identity)) joined.set(identity, at);
  }
  return joined;
}

async function runRound(recorder: Round['recorder'], deps: { orm: MikroORM; dbUrl: string; temporal: Client; connection: Connection }): Promise<Round> {
  const credentials = { apiKey: `bench${randomBytes(4).toString('hex')}`, apiSecret: randomBytes(32).toString('hex') };
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `meetflow-bench-room-${recorder}-`));
  const taskQueue = `bench-room-${recorder}-${Date.now()}`;
  const env = { DATABASE_URL: deps.dbUrl, DATA_DIR: dataDir, LIVEKIT_URL: `ws://127.0.0.1:${port}`, LIVEKIT_API_KEY: credentials.apiKey, LIVEKIT_API_SECRET: credentials.apiSecret, RECORDER: recorder, TEMPORAL_TASK_QUEUE: taskQueue };
  const cfg = loadConfig({ ...process.env, ...env, LOG_LEVEL: 'silent' });
  const log = pino({ level: 'silent' });
  const providers = createProviders(cfg, log);
  const api = await listen(createApp({ orm: deps.orm, temporal: deps.temporal, temporalConnection: deps.connection, log, cfg, limits: DEFAULT_LIMITS, providers }));
  let livekit: LocalLiveKit | undefined;
  const worker = spawnService('workers/main.ts', { ...env, WORKER_METRICS_PORT: '0', LOG_LEVEL: 'info', NODE_ENV: 'production' }, { logFile: path.join(dataDir, 'worker.log') });
  const speakers: Speaker[] = [];
  const roomIds: string[] = [];
  try {
    livekit = await startLocalLiveKit({ port, webhookUrl: `${api.url}/webhooks/livekit`, departureTimeoutSeconds: 2, keys: credentials });
    await worker.waitForLog('worker started', 180_000);
    console.log(`RECORDER=${recorder}: worker started; ${MEETINGS} meetings going live`);

    const em = deps.orm.em.fork();
    const host = await findOrCreateUserByEmail(em, 'host@bench.meetflow.local', 'Bench Host');
    const people = await Promise.all(Array.from({ length: MEETINGS * SPEAKERS }, (_, i) => findOrCreateUserByEmail(em, `speaker-${i}@bench.meetflow.local`, `Speaker ${i}`)));
    const start = new Date(Date.now() + 3000);
    const meetings = await Promise.all(
      Array.from({ length: MEETINGS }, (_, m) =>
        scheduleMeeting(
          { em: deps.orm.em.fork(), temporal: deps.temporal, cfg, taskQueue },
          { host, title: `Room bench ${m}`, start, durationMinutes: 30, invitees: [], settings: { reminderMinutesBefore: 0 } },
        ),
      ),
    );
    roomIds.push(...meetings.map((meeting) => meeting.room.id));
    await waitUntil(async () => (await deps.orm.em.fork().count(Room, { id: { $in: roomIds }, status: 'live' })) === MEETINGS, 120_000, 'every meeting to go live');

    console.log(`RECORDER=${recorder}: every meeting is live; ${MEETINGS * SPEAKERS} speakers joining`);
    const phrases = LINES.map((line, i) => speech(line, VOICES[i % VOICES.length]));
    const connectedAt = new Map<string, number>();
    // One join at a time: the LiveKit client loses track of rooms connected side by side in one process.
    for (let s = 0; s < SPEAKERS; s += 1) {
      for (const [m, { room }] of meetings.entries()) {
        const person = people[m * SPEAKERS + s];
        const { speaker, joinedAt } = await Speaker.join(livekit.url, await speakerToken(credentials, room.livekitRoomName, person.id, person.name));
        connectedAt.set(person.id, joinedAt);
        speakers.push(speaker);
      }
    }
    // Everyone talks in turn, all meetings at once, while the worker is measured (after a few seconds to settle).
    const talking = speakers.map(async (speaker, i) => {
      const until = Date.now() + SECONDS * 1000;
      for (let turn = 0; Date.now() < until; turn += 1) await speaker.say(phrases[(i + turn) % phrases.length]);
    });
    console.log(`RECORDER=${recorder}: everyone joined; talking for ${SECONDS} s`);
    await sleep(5000);
    const before = usage(worker.child.pid!);
    const driverBefore = process.cpuUsage();
    const startedAt = Date.now();
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(usage(worker.child.pid!).rssBytes), 1000);
    await sleep((SECONDS - 10) * 1000);
    clearInterval(sampler);
    const elapsed = (Date.now() - startedAt) / 1000;
    const after = usage(worker.child.pid!);
    const driver = process.cpuUsage(driverBefore);
    await Promise.all(talking);

    const signalLagsMs: number[] = [];
    for (const meeting of meetings) {
      const history = await deps.temporal.workflow.getHandle(meeting.workflowId).fetchHistory();
      for (const [identity, at] of joinSignals(history)) if (connectedAt.has(identity)) signalLagsMs.push(at - connectedAt.get(identity)!);
    }
    const tracks = await deps.orm.em.fork().count(RecordingTrack, { recording: { room: { $in: roomIds } } });
    rss.sort((a, b) => a - b);
    return {
      recorder,
      workerCpu: ((after.cpuSeconds - before.cpuSeconds) / elapsed) * 100,
      workerRssMb: percentile(rss, 50) / MB,
      driverCpu: ((driver.user + driver.system) / 1e6 / elapsed) * 100,
      signalLagsMs: signalLagsMs.sort((a, b) => a - b),
      tracks,
    };
  } finally {
    await Promise.all(speakers.map((speaker) => speaker.leave().catch(() => undefined)));
    for (const roomId of roomIds) await deps.temporal.workflow.getHandle(`meeting-${roomId}`).terminate('benchmark over').catch(() => undefined);
    worker.child.kill('SIGTERM');
    await Promise.race([worker.exited, sleep(20_000)]);
    if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await livekit?.stop();
    await api.close();
    await deleteRooms(deps.orm, roomIds);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

async function main(): Promise<void> {
  const { orm, url } = await openBenchDatabase();
  const connection = await Connection.connect({ address: config().TEMPORAL_ADDRESS });
  const temporal = new Client({ connection });
  try {
    const baseline = await runRound('off', { orm, dbUrl: url, temporal, connection });
    const recorded = await runRound('tracks', { orm, dbUrl: url, temporal, connection });
    const tracks = MEETINGS * SPEAKERS;
    const fmt = (value: number, digits = 1) => value.toFixed(digits);
    const lag = (round: Round, p: number) => `${Math.round(percentile(round.signalLagsMs, p))} ms`;
    console.log(
      formatTable(
        ['RECORDER', 'worker CPU (% of a core)', 'worker RSS (MB)', 'speakers+API CPU (%)', 'signal lag p50', 'p95', 'max', 'signals', 'track rows'],
        [baseline, recorded].map((round) => [round.recorder, fmt(round.workerCpu), fmt(round.workerRssMb, 0), fmt(round.driverCpu), lag(round, 50), lag(round, 95), lag(round, 100), String(round.signalLagsMs.length), String(round.tracks)]),
      ),
    );
    const cpuPerTrack = (recorded.workerCpu - baseline.workerCpu) / tracks;
    const rssPerTrack = (recorded.workerRssMb - baseline.workerRssMb) / tracks;
    console.log(`${MEETINGS} meetings × ${SPEAKERS} speakers, ${SECONDS} s each, on ${os.cpus().length} cores (load average ${os.loadavg()[0].toFixed(1)}): recorder ${fmt(cpuPerTrack, 2)}% of a core and ${fmt(rssPerTrack)} MB per track`);
    reportFigures('room', [
      { figure: `recorder CPU per track (${tracks} tracks)`, value: `${fmt(cpuPerTrack, 2)}% of a core`, baseline: `worker ${fmt(baseline.workerCpu)}% without recorder, ${fmt(recorded.workerCpu)}% with` },
      { figure: 'recorder RSS per track', value: `${fmt(rssPerTrack)} MB`, baseline: `worker ${fmt(baseline.workerRssMb, 0)} MB without, ${fmt(recorded.workerRssMb, 0)} MB with` },
      { figure: 'webhook → signal lag p95', value: lag(recorded, 95), baseline: `${lag(baseline, 95)} without recorder` },
    ]);
  } finally {
    await connection.close();
    await orm.close();
    await dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
