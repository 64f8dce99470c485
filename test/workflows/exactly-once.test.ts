import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { scheduleMeeting } from '../../clients/meetings';
import { MeetingEvents, waitForPhase } from '../../clients/video-events';
import { MeetingSummary, Notification, ParticipantReport, type UserEntity } from '../../db/entities';
import { readChatLog } from '../../integrations/chat/log';
import type { MeetingStatus } from '../../workflows/messages';
import { jsonReply, startFakeOllama } from '../fakes/ollama';
import { startFakeSlackApi } from '../fakes/slack-api';
import { testDatabaseUrl, unique } from '../helpers/db';
import { createUser } from '../helpers/factories';
import { connectTestClients, spawnService, type ServiceProcess, type TestClients } from '../helpers/processes';
import { LATE, waitFor, within } from '../helpers/wait';
import { testWorld } from '../helpers/worker';

// A real worker process (the one `npm start` runs), killed with SIGKILL in the middle of delivering results.
const world = testWorld('exactly-once');
const INVITEES = 60;
/** A worker ends within its shutdown grace time (30 s) and the margin after it (15 s), when it gives up; and a little more. */
const STOP_WITHIN_MS = 60_000;
/** After the restart, the rest of the delivery and the meeting's end (15-25 s in CI). */
const FINISH_WITHIN_MS = 90_000;
/** A test's bound: the meeting's start and first delivery, both bounds above, and room to spare. */
const TEST_TIMEOUT_MS = 240_000;
let clients: TestClients;
let orm: MikroORM;
let client: Client;

function startWorker(taskQueue: string, extraEnv: Record<string, string> = {}): ServiceProcess {
  return spawnService('workers/main.ts', { DATABASE_URL: testDatabaseUrl(), DATA_DIR: world.dataDir, TEMPORAL_TASK_QUEUE: taskQueue, LOG_LEVEL: 'info', PUBLIC_URL: world.cfg.PUBLIC_URL, WORKER_METRICS_PORT: '0', ...extraEnv });
}

beforeAll(async () => {
  clients = await connectTestClients();
  ({ orm, client } = clients);
});

afterAll(() => clients?.close());

interface Sink {
  /** Extra environment for the worker process (the provider to deliver through). */
  env: Record<string, string>;
  /** Results messages the provider has received so far, by idempotency key. */
  sentKeys: () => Promise<string[]>;
  makeUser: (name: string) => Promise<UserEntity>;
}

/**
 * A meeting of `host` and `guests` on its own task queue, run by a worker process with `env` until it ends: everyone
 * joined and left, and its recording (with a sidecar transcript) finished. The meeting goes on processing it.
 */
async function meetingThatEnded(host: UserEntity, guests: UserEntity[], env: Record<string, string>) {
  // Each run has a task queue of its own: nothing left over from another run reaches its workers.
  const taskQueue = unique('exactly-once');
  const { workflowId } = await scheduleMeeting(
    { em: orm.em.fork(), temporal: client, cfg: world.cfg, taskQueue },
    { host, title: 'All hands', start: new Date(), durationMinutes: 30, invitees: guests.map((g) => ({ email: g.email })), settings: { reminderMinutesBefore: 0 } },
  );
  const handle = client.workflow.getHandle(workflowId);
  const events = new MeetingEvents(handle);

  const worker = startWorker(taskQueue, env);
  await waitForPhase(handle, ['live'], 60_000);
  const people = [host.id, ...guests.map((g) => g.id)];
  for (const id of people) await events.join(id);
  const recordingId = unique('EG');
  await events.startRecording(recordingId);
  const audio = path.join(world.dataDir, `${recordingId}.ogg`);
  writeFileSync(audio, '');
  writeFileSync(
    path.join(world.dataDir, `${recordingId}.vtt`),
    'WEBVTT\n\n00:00:00.000 --> 00:00:30.000\n<v Alice Host>Welcome everyone. We agreed to ship the new release on Friday, and I will write the announcement by Thursday.\n',
  );
  for (const id of people) await events.leave(id);
  await events.finishRoom();
  await events.finishRecording(recordingId, { filePath: audio });
  return { taskQueue, workflowId, handle, worker, people };
}

/** A meeting whose worker is SIGKILLed while it delivers results, then restarted; returns what the provider got. */
async function killDuringDelivery(sink: Sink, signal: NodeJS.Signals = 'SIGKILL') {
  const host = await sink.makeUser('Alice Host');
  const guests = await Promise.all(Array.from({ length: INVITEES }, (_, i) => sink.makeUser(`Guest ${i}`)));
  const ended = await meetingThatEnded(host, guests, sink.env);
  const { taskQueue, workflowId, handle, people } = ended;
  let worker = ended.worker;

  // Kill the worker as soon as some, but not all, results have gone out.
  const results = async () => (await sink.sentKeys()).filter((key) => key.startsWith('results:'));
  const deadline = Date.now() + 60_000;
  while ((await results()).length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  const exitCode = await worker.stopWithin(signal, STOP_WITHIN_MS);
  const atKill = (await results()).length;

  worker = startWorker(taskQueue, sink.env);
  try {
    const result = await completedWithin(handle, worker, FINISH_WITHIN_MS);
    return { result, people, atKill, exitCode, workflowId, keys: (await results()).filter((key) => key.startsWith(`results:${result.summaryId}:`)) };
  } finally {
    await worker.stopWithin('SIGTERM', STOP_WITHIN_MS);
  }
}

/** The meeting's result, or a failure with what the restarted worker last printed. */
async function completedWithin(handle: WorkflowHandle, worker: ServiceProcess, ms: number): Promise<MeetingStatus> {
  const outcome = await within(handle.result() as Promise<MeetingStatus>, ms);
  if (outcome !== LATE) return outcome;
  const { status } = await handle.describe();
  throw new Error(`the meeting was still ${status.name} ${ms} ms after the worker's restart; the worker's last lines:\n${worker.lines.slice(-30).join('\n')}`);
}

async function expectExactlyOnce(outcome: Awaited<ReturnType<typeof killDuringDelivery>>, channel: string) {
  const { result, people, atKill, keys } = outcome;
  expect(atKill).toBeGreaterThan(0);
  expect(atKill).toBeLessThan(people.length);
  expect(result.phase).toBe('completed');
  expect(keys).toHaveLength(people.length);
  expect(new Set(keys).size).toBe(people.length);
  const rows = await orm.em.fork().find(Notification, { type: 'meeting_summary', data: { summaryId: result.summaryId } });
  expect(rows.map((row) => [row.deliveryStatus, row.channel])).toEqual(people.map(() => ['sent', channel]));
  expect(await orm.em.fork().count(ParticipantReport, { summary: result.summaryId })).toBe(people.length);
}

test('a worker killed mid-delivery and restarted: every participant gets exactly one message and one report', async () => {
  const outcome = await killDuringDelivery({
    env: {},
    sentKeys: async () => (await readChatLog(world.dataDir)).map((entry) => entry.key),
    makeUser: (name) => createUser(orm.em.fork(), { name, email: `${unique(name.split(' ')[0].toLowerCase())}@example.test` }),
  });
  await expectExactlyOnce(outcome, 'log');
}, TEST_TIMEOUT_MS);

test('the same on Slack: one DM per participant, found again by its metadata after the crash', async () => {
  const slack = await startFakeSlackApi();
  try {
    const outcome = await killDuringDelivery({
      env: { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: slack.url },
      sentKeys: async () => slack.posted().map((call) => String(call.args.metadata?.event_payload?.key ?? '')),
      makeUser: (name) => createUser(orm.em.fork(), { name, oauthProvider: 'slack', oauthId: unique('U').toUpperCase() }),
    });
    await expectExactlyOnce(outcome, 'slack');
  } finally {
    await slack.close();
  }
}, TEST_TIMEOUT_MS);

test('SIGTERM mid-delivery: the worker takes no new work, finishes the delivery it is running, and exits cleanly', async () => {
  const outcome = await killDuringDelivery(
    {
      env: {},
      sentKeys: async () => (await readChatLog(world.dataDir)).map((entry) => entry.key),
      makeUser: (name) => createUser(orm.em.fork(), { name, email: `${unique(name.split(' ')[0].toLowerCase())}@example.test` }),
    },
    'SIGTERM',
  );
  // Everyone had their message before the worker exited: the running activity was allowed to finish.
  expect(outcome.exitCode).toBe(0);
  expect(outcome.atKill).toBe(outcome.people.length);
  expect(outcome.keys).toHaveLength(outcome.people.length);
  const recording = outcome.result.recordings[0].recordingId;
  const history = await client.workflow.getHandle(`${outcome.workflowId}-recording-${recording}`).fetchHistory();
  const deliveryAttempts = history.events!.filter((e) => e.activityTaskStartedEventAttributes && e.activityTaskStartedEventAttributes.attempt).map((e) => e.activityTaskStartedEventAttributes!.attempt);
  expect(deliveryAttempts.every((attempt) => attempt === 1)).toBe(true);
}, TEST_TIMEOUT_MS);

test('SIGTERM while the summary waits on the model: its request is aborted after the grace time, the worker exits 0, and the next one summarizes', async () => {
  const ollama = await startFakeOllama();
  try {
    const answer = { executiveSummary: 'The team agreed to ship the new release on Friday.', keyPoints: [], decisions: [], topics: [], sentiment: 0.3, actionItems: [] };
    // The first request is never answered (a model that takes minutes on a CPU); the retry is.
    ollama.script({ kind: 'hang' }, jsonReply(answer));
    const env = { OLLAMA_HOST: ollama.host, OLLAMA_MODEL: 'llama3.1:8b', WORKER_SHUTDOWN_GRACE_SECONDS: '1' };
    const host = await createUser(orm.em.fork(), { name: 'Alice Host', email: `${unique('alice')}@example.test` });
    const guest = await createUser(orm.em.fork(), { name: 'Guest One', email: `${unique('guest')}@example.test` });
    const { taskQueue, handle, worker } = await meetingThatEnded(host, [guest], env);
    const asked = () => ollama.requests.filter((request) => request.path === '/api/chat').length;
    await waitFor('the summary request to reach the model', () => asked() === 1, 60_000, 50);

    // Without the abort the request outlives the grace time and its margin, and the worker gives up with exit code 1.
    expect(await worker.stopWithin('SIGTERM', STOP_WITHIN_MS)).toBe(0);

    const next = startWorker(taskQueue, env);
    try {
      const result = await completedWithin(handle, next, FINISH_WITHIN_MS);
      expect(result.phase).toBe('completed');
      const summary = await orm.em.fork().findOneOrFail(MeetingSummary, result.summaryId!);
      expect([summary.generator, summary.executiveSummary]).toEqual(['ollama', answer.executiveSummary]);
      expect(asked()).toBe(2);
    } finally {
      await next.stopWithin('SIGTERM', STOP_WITHIN_MS);
    }
  } finally {
    await ollama.close();
  }
}, TEST_TIMEOUT_MS);
