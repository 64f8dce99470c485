import type { MikroORM } from '@mikro-orm/postgresql';
import { Client, Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { scheduleMeeting } from '../../clients/meetings';
import { MeetingEvents, waitForPhase } from '../../clients/video-events';
import { Notification, ParticipantReport } from '../../db/entities';
import { readChatLog } from '../../integrations/chat/log';
import { statusQuery, type MeetingStatus } from '../../workflows/messages';
import { openTestOrm, testDatabaseUrl, unique } from '../helpers/db';
import { createUser } from '../helpers/factories';
import { ROOT } from '../helpers/temporal';
import { testWorld } from '../helpers/worker';

// A real worker process (the one `npm start` runs), killed with SIGKILL in the middle of delivering results.
const world = testWorld('exactly-once');
const INVITEES = 60;
let orm: MikroORM;
let connection: Connection;
let client: Client;

function startWorker(): ChildProcess {
  return spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'workers', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: testDatabaseUrl(), DATA_DIR: world.dataDir, TEMPORAL_TASK_QUEUE: world.taskQueue, LOG_LEVEL: 'warn', PUBLIC_URL: world.cfg.PUBLIC_URL },
    stdio: 'ignore',
  });
}

const exited = (child: ChildProcess) => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)));

async function resultsSent(summaryPrefix: string): Promise<number> {
  return (await readChatLog(world.dataDir)).filter((entry) => entry.key.startsWith(summaryPrefix)).length;
}

beforeAll(async () => {
  orm = await openTestOrm();
  connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  client = new Client({ connection });
});

afterAll(async () => {
  await connection?.close();
  await orm?.close();
});

test('a worker killed mid-delivery and restarted: every participant gets exactly one message and one report', async () => {
  const host = await createUser(orm.em.fork(), { name: 'Alice Host' });
  const invitees = Array.from({ length: INVITEES }, (_, i) => ({ email: `${unique(`guest${i}`)}@example.test` }));
  const { handle: started } = await scheduleMeeting(
    { em: orm.em.fork(), temporal: client, cfg: world.cfg, taskQueue: world.taskQueue },
    { host, title: 'All hands', start: new Date(), durationMinutes: 30, invitees, settings: { reminderMinutesBefore: 0 } },
  ).then((meeting) => ({ ...meeting, handle: client.workflow.getHandle(meeting.workflowId) }));
  const handle = started;
  const events = new MeetingEvents(handle);

  let worker = startWorker();
  await waitForPhase(handle, ['live'], 60_000);
  const status = await handle.query(statusQuery);
  const people = [host.id, ...status.invitations.map((invitation) => invitation.userId!)];
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

  // Kill the worker as soon as some, but not all, results have gone out.
  const prefix = 'results:';
  const deadline = Date.now() + 60_000;
  while ((await resultsSent(prefix)) < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  worker.kill('SIGKILL');
  await exited(worker);
  const atKill = await resultsSent(prefix);
  expect(atKill).toBeGreaterThan(0);
  expect(atKill).toBeLessThan(people.length);

  worker = startWorker();
  try {
    const result = (await handle.result()) as MeetingStatus;
    expect(result.phase).toBe('completed');
    const summaryKeys = (await readChatLog(world.dataDir)).filter((entry) => entry.key.startsWith(`results:${result.summaryId}:`)).map((entry) => entry.key);
    expect(summaryKeys).toHaveLength(people.length);
    expect(new Set(summaryKeys).size).toBe(people.length);
    const rows = await orm.em.fork().find(Notification, { type: 'meeting_summary', data: { summaryId: result.summaryId } });
    expect(rows).toHaveLength(people.length);
    expect(rows.every((row) => row.deliveryStatus === 'sent')).toBe(true);
    expect(await orm.em.fork().count(ParticipantReport, { summary: result.summaryId })).toBe(people.length);
  } finally {
    worker.kill('SIGTERM');
    await exited(worker);
  }
}, 120_000);
