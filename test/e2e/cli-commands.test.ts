import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { scheduleMeeting } from '../../clients/meetings';
import { waitForPhase } from '../../clients/video-events';
import { AuditEvent } from '../../db/entities';
import { createUser } from '../helpers/factories';
import { ROOT } from '../helpers/temporal';
import { startWorkerStack, testWorld, type WorkerStack } from '../helpers/worker';

const world = testWorld('cli-commands');
let stack: WorkerStack;

beforeAll(async () => {
  stack = await startWorkerStack(world);
});

afterAll(() => stack?.stop());

/** The meetflow command as an operator runs it, against the same PostgreSQL and Temporal as the test. */
function meetflow(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'meetflow.js'), ...args], { cwd: os.tmpdir(), env: { ...process.env, LOG_LEVEL: 'silent' } });
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('meetflow cancel runs the same command as the API and Slack: the meeting is cancelled and the operator audited', async () => {
  const em = stack.orm.em.fork();
  const host = await createUser(em, { name: 'Carla Host' });
  const { room, workflowId } = await scheduleMeeting(
    { em, temporal: stack.env.client, cfg: world.cfg, taskQueue: world.taskQueue },
    { host, title: 'Quarterly planning', start: new Date(Date.now() + 3_600_000), durationMinutes: 30, invitees: [], settings: { reminderMinutesBefore: 0 } },
  );
  const handle = stack.env.client.workflow.getHandle(workflowId);
  await waitForPhase(handle, ['waiting']);

  const badTime = await meetflow('reschedule', room.id, 'next tuesday-ish');
  expect(badTime.code).toBe(2);
  expect(badTime.stderr).toContain('reschedule needs the new start as an ISO time');

  const run = await meetflow('cancel', room.id, 'double', 'booked');
  expect(run.stderr).toBe('');
  expect(run.stdout).toContain('"Quarterly planning" cancelled');
  expect(await waitForPhase(handle, ['cancelled'])).toBe('cancelled');
  const audit = await stack.orm.em.fork().findOneOrFail(AuditEvent, { action: 'meeting.cancel', targetId: room.id });
  expect([audit.source, audit.actorLabel, audit.details]).toEqual(['cli', `cli:${os.userInfo().username}`, { reason: 'double booked' }]);

  const again = await meetflow('cancel', room.id);
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/it can no longer be cancelled|this meeting is over/);
});
