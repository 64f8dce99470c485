import type { MikroORM } from '@mikro-orm/postgresql';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MaintenanceJob } from '../../activities/maintenance';
import { ActionItem, AuditEvent, MeetingSummary, Recording, RoomInvitation, Session, Transcript } from '../../db/entities';
import { openOrm } from '../../db/orm';
import { maintenanceScheduleId } from '../../workflows/ids';
import { maintenancePlan, ensureMaintenanceSchedules } from '../../workers/schedules';
import { maintenanceWorkflow } from '../../workflows/maintenance';
import { createScratchDatabase, unique } from '../helpers/db';
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

test('the maintenance Schedules exist after a worker start, a second start does not duplicate them, changed settings update them', async () => {
  await ensureMaintenanceSchedules(env.client, world.cfg);
  const second = await ensureMaintenanceSchedules(env.client, world.cfg);
  const ids = maintenancePlan(world.cfg).map((entry) => maintenanceScheduleId(entry.job));
  expect(second).toEqual({ created: [], existing: ids, updated: [] });
  const listed: string[] = [];
  for await (const schedule of env.client.schedule.list()) if (schedule.scheduleId.startsWith('maintenance-')) listed.push(schedule.scheduleId);
  expect(listed.sort()).toEqual([...ids].sort());
  const weekly = await env.client.schedule.getHandle('maintenance-clean-notifications').describe();
  expect(weekly.spec.calendars?.[0]).toMatchObject({ minute: [{ start: 20, end: 20, step: 1 }], hour: [{ start: 3, end: 3, step: 1 }], dayOfWeek: [{ start: 'SUNDAY', end: 'SUNDAY', step: 1 }] });
  expect(weekly.action).toMatchObject({ type: 'startWorkflow', workflowType: 'maintenanceWorkflow', args: [{ job: 'clean-notifications', days: 30 }] });

  // An operator changes a retention age and a period: the next worker start applies both, to that job only.
  const changed = { ...world.cfg, NOTIFICATION_RETENTION_DAYS: 45, MAINTENANCE_CLEAN_NOTIFICATIONS_CRON: '0 4 * * 1' };
  try {
    expect(await ensureMaintenanceSchedules(env.client, changed)).toMatchObject({ created: [], updated: ['maintenance-clean-notifications'] });
    const updated = await env.client.schedule.getHandle('maintenance-clean-notifications').describe();
    expect(updated.action).toMatchObject({ args: [{ job: 'clean-notifications', days: 45 }] });
    expect(updated.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 4, end: 4, step: 1 }], dayOfWeek: [{ start: 'MONDAY', end: 'MONDAY', step: 1 }] });
  } finally {
    await ensureMaintenanceSchedules(env.client, world.cfg);
  }
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

test('retention: each artifact has its own age; an archived recording loses its file but keeps its transcript; every run is audited', async () => {
  const em = orm.em.fork();
  const host = await createUser(em);
  const room = await createRoom(em, host);
  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
  const file = path.join(world.dataDir, `${unique('old-recording')}.ogg`);
  writeFileSync(file, 'audio');
  const old = em.create(Recording, { room, livekitRecordingId: unique('EG'), status: 'completed', filePath: file, completedAt: daysAgo(100), createdAt: daysAgo(100) });
  const recent = em.create(Recording, { room, livekitRecordingId: unique('EG'), status: 'completed', filePath: '/recordings/recent.ogg', completedAt: daysAgo(2) });
  const oldTranscript = em.create(Transcript, { recording: old, room, text: 'We agreed to move the launch.', segments: [{ speaker: 'A', start: 0, end: 5, text: 'We agreed to move the launch.' }], createdAt: daysAgo(100) });
  const recentTranscript = em.create(Transcript, { recording: recent, room, text: 'Fresh words.', createdAt: daysAgo(2) });
  const oldSummary = em.create(MeetingSummary, { room, transcript: oldTranscript, executiveSummary: 'Launch moved.', createdAt: daysAgo(100) });
  em.create(ActionItem, { room, summary: oldSummary, position: 0, title: 'Tell marketing' });
  const recentSummary = em.create(MeetingSummary, { room, transcript: recentTranscript, executiveSummary: 'Fresh.', createdAt: daysAgo(2) });
  await em.flush();

  const worker = await testWorker(env, orm, world);
  const run = (job: MaintenanceJob, days: number) =>
    env.client.workflow.execute(maintenanceWorkflow, { workflowId: `maintenance-${job}-${unique('run')}`, taskQueue: world.taskQueue, args: [{ job, days, requestedBy: 'cli:tester' }] });
  const results = await worker.runUntil(async () => [
    await run('archive-recordings', 90),
    await run('delete-summaries', 0),
    await run('purge-transcripts', 365),
    await run('purge-transcripts', 30),
    await run('delete-summaries', 30),
  ]);
  expect(results).toEqual([
    { job: 'archive-recordings', affected: 1, filesDeleted: 1 },
    { job: 'delete-summaries', affected: 0 },
    { job: 'purge-transcripts', affected: 0 },
    { job: 'purge-transcripts', affected: 1 },
    { job: 'delete-summaries', affected: 1 },
  ]);

  const after = orm.em.fork();
  expect(existsSync(file)).toBe(false);
  expect(await after.findOneOrFail(Recording, old.id)).toMatchObject({ status: 'archived', filePath: null });
  expect(await after.findOneOrFail(Recording, recent.id)).toMatchObject({ status: 'completed', filePath: '/recordings/recent.ogg' });
  const purged = await after.findOneOrFail(Transcript, oldTranscript.id);
  expect([purged.text, purged.segments, purged.purgedAt]).toEqual(['', [], expect.any(Date)]);
  expect((await after.findOneOrFail(Transcript, recentTranscript.id)).text).toBe('Fresh words.');
  expect(await after.count(MeetingSummary, { id: [oldSummary.id, recentSummary.id] })).toBe(1);
  expect(await after.count(ActionItem, { summary: oldSummary.id })).toBe(0);

  const audit = await after.find(AuditEvent, { action: 'maintenance.run', actorLabel: 'cli:tester' }, { orderBy: { occurredAt: 'asc' } });
  expect(audit.map((event) => [event.targetId, event.source, event.details.affected, event.details.days])).toEqual([
    ['archive-recordings', 'cli', 1, 90],
    ['delete-summaries', 'cli', 0, 0],
    ['purge-transcripts', 'cli', 0, 365],
    ['purge-transcripts', 'cli', 1, 30],
    ['delete-summaries', 'cli', 1, 30],
  ]);
});
