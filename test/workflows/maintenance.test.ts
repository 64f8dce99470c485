import type { MikroORM } from '@mikro-orm/postgresql';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { RoomInvitation, Session } from '../../db/entities';
import { openOrm } from '../../db/orm';
import { maintenancePlan, maintenanceScheduleId, ensureMaintenanceSchedules } from '../../workers/schedules';
import { maintenanceWorkflow } from '../../workflows/maintenance';
import { createScratchDatabase } from '../helpers/db';
import { createRoom, createUser, randomToken } from '../helpers/factories';
import { devServerEnvironment } from '../helpers/temporal';
import { testWorker, testWorld } from '../helpers/worker';

// The jobs change whole tables, so they run against a database of their own: counts are exact.
let env: TestWorkflowEnvironment;
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let orm: MikroORM;
const world = testWorld('maintenance');

beforeAll(async () => {
  env = await devServerEnvironment();
  scratch = await createScratchDatabase('meetflow_maintenance');
  orm = await openOrm(scratch.url, { debug: false });
  await orm.getMigrator().up();
});

afterAll(async () => {
  await env?.teardown();
  await orm?.close();
  await scratch?.drop();
});

test('the maintenance Schedules exist after a worker start, and a second start does not duplicate them', async () => {
  await ensureMaintenanceSchedules(env.client, world.cfg);
  const second = await ensureMaintenanceSchedules(env.client, world.cfg);
  const ids = maintenancePlan(world.cfg).map((entry) => maintenanceScheduleId(entry.job));
  expect(second).toEqual({ created: [], existing: ids });
  const listed: string[] = [];
  for await (const schedule of env.client.schedule.list()) if (schedule.scheduleId.startsWith('maintenance-')) listed.push(schedule.scheduleId);
  expect(listed.sort()).toEqual([...ids].sort());
  const weekly = await env.client.schedule.getHandle('maintenance-clean-notifications').describe();
  expect(weekly.spec.calendars?.[0]).toMatchObject({ dayOfWeek: [{ start: 'SUNDAY', end: 'SUNDAY', step: 1 }], comment: 'weekly' });
  expect(weekly.action).toMatchObject({ type: 'startWorkflow', workflowType: 'maintenanceWorkflow', args: [{ job: 'clean-notifications', days: 30 }] });
});

test('a maintenance run reports what it changed', async () => {
  const em = orm.em.fork();
  const host = await createUser(em);
  const room = await createRoom(em, host);
  em.create(RoomInvitation, { room, inviter: host, inviteeEmail: 'late@example.test', token: randomToken(), expiresAt: new Date(Date.now() - 60_000) });
  em.create(RoomInvitation, { room, inviter: host, inviteeEmail: 'early@example.test', token: randomToken(), expiresAt: new Date(Date.now() + 60_000) });
  em.create(Session, { user: host, tokenHash: randomToken(), expiresAt: new Date(Date.now() - 1000) });
  await em.flush();

  const worker = await testWorker(env, orm, world);
  const run = (job: 'expire-invitations' | 'clean-sessions') =>
    env.client.workflow.execute(maintenanceWorkflow, { workflowId: `maintenance-${job}-${Date.now()}`, taskQueue: world.taskQueue, args: [{ job, days: 0 }] });
  const results = await worker.runUntil(async () => [await run('expire-invitations'), await run('clean-sessions'), await run('expire-invitations')]);
  expect(results).toEqual([
    { job: 'expire-invitations', affected: 1 },
    { job: 'clean-sessions', affected: 1 },
    { job: 'expire-invitations', affected: 0 },
  ]);
});
