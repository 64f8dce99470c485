import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { Writable } from 'node:stream';
import { scheduleMeeting } from '../../clients/meetings';
import { Notification } from '../../db/entities';
import { createSession } from '../../db/sessions';
import { apiDeps, startApi } from '../helpers/api';
import { testDatabaseUrl, unique } from '../helpers/db';
import { startFakeSlackApi } from '../fakes/slack-api';
import { createRoom, createUser } from '../helpers/factories';
import { playRecordedMeeting, vttOf } from '../helpers/meeting';
import { connectTestClients, freePort, spawnService, type ServiceProcess, type TestClients } from '../helpers/processes';
import { testWorld } from '../helpers/worker';

// What an operator sees of one meeting: the worker's log lines and metrics (a real worker process), the API's.
const world = testWorld('observability');
let clients: TestClients;
let orm: MikroORM;
let connection: Connection;
let client: Client;

beforeAll(async () => {
  clients = await connectTestClients();
  ({ orm, connection, client } = clients);
});

afterAll(() => clients?.close());

/** The value of one Prometheus sample whose labels include `labels` (0 when there is none). */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = text.split('\n').find((row) => row.startsWith(`${name}{`) && wanted.every((pair) => row.includes(pair)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

async function runMeeting(taskQueue: string) {
  const slackUser = (name: string) => createUser(orm.em.fork(), { name, oauthProvider: 'slack', oauthId: unique('U').toUpperCase() });
  const host = await slackUser('Olive Operator');
  const guest = await slackUser('Gil Guest');
  const { room, workflowId } = await scheduleMeeting(
    { em: orm.em.fork(), temporal: client, cfg: world.cfg, taskQueue },
    { host, title: 'Observability review', start: new Date(), durationMinutes: 30, invitees: [{ email: guest.email, userId: guest.id }], settings: { reminderMinutesBefore: 0 } },
  );
  const status = await playRecordedMeeting(client.workflow.getHandle(workflowId), world.dataDir, [{ id: host.id }, { id: guest.id }], vttOf([
    ['Olive Operator', 'Welcome. The dashboards are green and the alerts are quiet this week.'],
    ['Gil Guest', 'We decided to add a latency alert. I will write the runbook by Friday.'],
  ]));
  return { room, workflowId, status, people: [host, guest] };
}

describe('a meeting run by a real worker process, delivering to Slack', () => {
  let worker: ServiceProcess;
  let slack: Awaited<ReturnType<typeof startFakeSlackApi>>;
  let metricsPort: number;
  let meeting: Awaited<ReturnType<typeof runMeeting>>;

  beforeAll(async () => {
    slack = await startFakeSlackApi();
    const taskQueue = unique('observability');
    metricsPort = await freePort();
    const env = { DATABASE_URL: testDatabaseUrl(), DATA_DIR: world.dataDir, TEMPORAL_TASK_QUEUE: taskQueue, PUBLIC_URL: world.cfg.PUBLIC_URL, WORKER_METRICS_PORT: String(metricsPort) };
    worker = spawnService('workers/main.ts', { ...env, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: slack.url });
    await worker.waitForLog('worker started');
    // Slack's first answer is a rate limit: the provider error and the retried delivery are counted.
    slack.rateLimit(1, 1);
    meeting = await runMeeting(taskQueue);
    // The workflow's result can reach this test before the worker's last lines come through its stdout pipe.
    await worker.waitForLog((line) => line.msg === 'meeting phase' && line.phase === 'completed' && line.meetingId === meeting.room.id, 10_000);
  }, 90_000);

  afterAll(async () => {
    worker?.child.kill('SIGTERM');
    await worker?.exited;
    await slack?.close();
  });

  test('the meeting completes', () => {
    expect(meeting.status.phase).toBe('completed');
  });

  test('every worker log line about the meeting carries its meeting id and workflow id', () => {
    const lines = worker.logs();
    const about = lines.filter((line) => JSON.stringify(line).includes(meeting.room.id));
    expect(about.length).toBeGreaterThan(5);
    for (const line of about) {
      expect({ msg: line.msg, meetingId: line.meetingId }).toEqual({ msg: line.msg, meetingId: meeting.room.id });
      expect(String(line.workflowId)).toMatch(new RegExp(`^${meeting.workflowId}(-recording-|$)`));
    }
    // The workflow's own story (phases, from Temporal's logger) and each delivery (from the activities).
    const phases = about.filter((line) => line.msg === 'meeting phase').map((line) => line.phase);
    expect(phases).toEqual(expect.arrayContaining(['waiting', 'live', 'processing', 'completed']));
    const deliveries = about.filter((line) => line.msg === 'message delivery');
    expect(deliveries.map((line) => line.type)).toEqual(expect.arrayContaining(['meeting_invite', 'meeting_summary']));
    expect(deliveries.every((line) => typeof line.activity === 'string' && typeof line.key === 'string')).toBe(true);
  });

  test('/metrics: deliveries by channel and outcome, provider calls, and Temporal\'s own worker metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const rows = await orm.em.fork().find(Notification, { user: meeting.people.map((person) => person.id), deliveryStatus: 'sent' });
    const sentBy = (channel: string) => rows.filter((row) => row.channel === channel).length;
    expect(sentBy('slack')).toBeGreaterThan(0);
    expect(sample(text, 'meetflow_deliveries', { channel: 'slack', outcome: 'sent' })).toBe(sentBy('slack'));
    expect(sample(text, 'meetflow_deliveries', { channel: 'email', outcome: 'sent' })).toBe(sentBy('email'));
    expect(sample(text, 'meetflow_deliveries', { channel: 'slack', outcome: 'retry' })).toBe(1);
    expect(sample(text, 'meetflow_provider_call_errors', { kind: 'chat', provider: 'slack', error: 'ChatRateLimitedError' })).toBe(1);
    expect(sample(text, 'meetflow_provider_call_latency_count', { kind: 'transcription', provider: 'local', operation: 'transcribe' })).toBe(1);
    expect(sample(text, 'meetflow_provider_call_latency_count', { kind: 'summarizer', provider: 'local', operation: 'summarize' })).toBe(1);
    expect(sample(text, 'meetflow_provider_call_latency_count', { kind: 'chat', provider: 'slack', operation: 'send' })).toBeGreaterThan(0);
    expect(sample(text, 'temporal_activity_execution_latency_count', { activity_type: 'transcribeRecording' })).toBeGreaterThan(0);
    expect(text).toMatch(/^temporal_workflow_task_schedule_to_start_latency_bucket\{/m);
  });
});

test('the API\'s lines about a meeting carry its ids and the request id', async () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(JSON.parse(chunk.toString('utf8'))), done()) });
  const api = await startApi(apiDeps(orm, connection, world, { log: pino({ level: 'info' }, sink) }));
  try {
    const em = orm.em.fork();
    const host = await createUser(em);
    const { token } = await createSession(em, host, {});
    const room = await createRoom(em, host);
    const requestId = unique('req-observe');
    expect((await api.call('GET', `/meetings/${room.id}`, { token, headers: { 'x-request-id': requestId } })).status).toBe(200);
    expect(lines.find((line) => line.requestId === requestId)).toMatchObject({ msg: 'request', meetingId: room.id, workflowId: `meeting-${room.id}`, status: 200, path: `/meetings/${room.id}` });
  } finally {
    await api.close();
  }
});
