import type { MikroORM } from '@mikro-orm/postgresql';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { ActionItem, MeetingSummary, Notification, Recording, Transcript } from '../../db/entities';
import { actionItemReminderWorkflow, reminderTime } from '../../workflows/action-item-reminder';
import { actionItemWorkflowId } from '../../workflows/ids';
import { snoozeReminder } from '../../clients/action-items';
import { scheduleMeeting } from '../../clients/meetings';
import { actionItemClosedSignal, cancelUpdate, rescheduleUpdate, statusQuery } from '../../workflows/messages';
import { openTestOrm, unique } from '../helpers/db';
import { createRoom, createUser } from '../helpers/factories';
import { timeSkippingEnvironment } from '../helpers/temporal';
import { testWorker, testWorld } from '../helpers/worker';

// Reminders wait for days: the time-skipping test server makes those days pass in milliseconds.
let env: TestWorkflowEnvironment;
let orm: MikroORM;
let worker: Worker;
const world = testWorld('reminders');

beforeAll(async () => {
  [env, orm] = await Promise.all([timeSkippingEnvironment(), openTestOrm()]);
});

// runUntil stops its worker at the end: each test gets a fresh one (the workflow bundle is shared).
beforeEach(async () => {
  worker = await testWorker(env, orm, world);
});

afterAll(async () => {
  await env?.teardown();
  await orm?.close();
});

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** An open action item assigned to a new user, due in `days` days (of the test server's clock). */
async function actionItemDueIn(days: number) {
  const em = orm.em.fork();
  const assignee = await createUser(em, { name: 'Bob Builder' });
  const room = await createRoom(em, assignee);
  const recording = em.create(Recording, { room, livekitRecordingId: unique('EG') });
  const transcript = em.create(Transcript, { recording, room, text: 'Bob will fix the build.' });
  const summary = em.create(MeetingSummary, { room, transcript, executiveSummary: 'Bob fixes the build.' });
  const dueDate = isoDate((await env.currentTimeMs()) + days * 86_400_000);
  const item = em.create(ActionItem, { room, summary, assignedTo: assignee, position: 0, title: 'Fix the build', dueDate });
  await em.flush();
  return { item, dueDate };
}

const reminderRows = (actionItemId: string) => orm.em.fork().find(Notification, { idempotencyKey: { $like: `action-reminder:${actionItemId}:%` } });

test('the reminder goes out the day before the due date (09:00 UTC), to the assignee, once', async () => {
  const { item, dueDate } = await actionItemDueIn(3);
  const result = await worker.runUntil(
    env.client.workflow.execute(actionItemReminderWorkflow, { workflowId: actionItemWorkflowId(item.id), taskQueue: world.taskQueue, args: [{ actionItemId: item.id, dueDate }] }),
  );
  expect(result.outcome).toBe('reminded');
  expect(Date.parse(result.at)).toBeGreaterThanOrEqual(reminderTime(dueDate));
  expect(Date.parse(result.at)).toBeLessThan(reminderTime(dueDate) + 3_600_000);
  const rows = await reminderRows(item.id);
  expect(rows.map((row) => [row.idempotencyKey, row.deliveryStatus, row.message])).toEqual([
    [`action-reminder:${item.id}:${dueDate}`, 'sent', `Reminder: "Fix the build" from "Weekly sync" is due ${dueDate}.`],
  ]);
});

test('completing the item first (the closed signal) ends the reminder without a message', async () => {
  const { item, dueDate } = await actionItemDueIn(5);
  const result = await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(actionItemReminderWorkflow, { workflowId: actionItemWorkflowId(item.id), taskQueue: world.taskQueue, args: [{ actionItemId: item.id, dueDate }] });
    await handle.signal(actionItemClosedSignal);
    return handle.result();
  });
  expect(result.outcome).toBe('closed');
  expect(await reminderRows(item.id)).toEqual([]);
});

test('an item completed in the meantime (no signal) is checked at reminder time and not reminded', async () => {
  const { item, dueDate } = await actionItemDueIn(2);
  await orm.em.fork().nativeUpdate(ActionItem, item.id, { status: 'completed', completedAt: new Date() });
  const result = await worker.runUntil(
    env.client.workflow.execute(actionItemReminderWorkflow, { workflowId: actionItemWorkflowId(item.id), taskQueue: world.taskQueue, args: [{ actionItemId: item.id, dueDate }] }),
  );
  expect(result.outcome).toBe('completed');
  expect(await reminderRows(item.id)).toEqual([]);
});

test('an item already past its due date gets no reminder', async () => {
  const { item, dueDate } = await actionItemDueIn(-2);
  const result = await worker.runUntil(
    env.client.workflow.execute(actionItemReminderWorkflow, { workflowId: actionItemWorkflowId(item.id), taskQueue: world.taskQueue, args: [{ actionItemId: item.id, dueDate }] }),
  );
  expect(result.outcome).toBe('overdue');
  expect(await reminderRows(item.id)).toEqual([]);
});

test('the meeting reminder goes out 10 minutes before the start, and a reschedule moves it', async () => {
  const em = orm.em.fork();
  const host = await createUser(em, { name: 'Alice Host' });
  const now = await env.currentTimeMs();
  const start = new Date(now + 60 * 60_000);
  await worker.runUntil(async () => {
    const { workflowId } = await scheduleMeeting(
      { em, temporal: env.client, cfg: world.cfg, taskQueue: world.taskQueue },
      { host, title: 'Planning', start, durationMinutes: 30, invitees: [{ email: `${unique('bob')}@example.test` }], settings: { reminderMinutesBefore: 10 } },
    );
    const handle = env.client.workflow.getHandle(workflowId);
    await env.sleep('45 minutes');
    expect((await handle.query(statusQuery)).reminderSentAt).toBeUndefined();
    await env.sleep('10 minutes');
    expectAbout(Date.parse((await handle.query(statusQuery)).reminderSentAt!), start.getTime() - 10 * 60_000);
    const later = new Date(start.getTime() + 60 * 60_000);
    await handle.executeUpdate(rescheduleUpdate, { args: [later.toISOString()] });
    await env.sleep('60 minutes');
    const status = await handle.query(statusQuery);
    expect(status.phase).toBe('waiting');
    expectAbout(Date.parse(status.reminderSentAt!), later.getTime() - 10 * 60_000);
    const reminders = await orm.em.fork().find(Notification, { type: 'meeting_reminder', data: { roomId: status.roomId } });
    // host and invitee, once for each start time
    expect(reminders).toHaveLength(4);
    expect(new Set(reminders.map((row) => row.message)).size).toBe(2);
    await handle.executeUpdate(cancelUpdate, { args: ['test over'] });
  });
});

/** Timers start when the workflow task runs, a few milliseconds after the instant they were computed from. */
function expectAbout(actualMs: number, expectedMs: number): void {
  expect(Math.abs(actualMs - expectedMs)).toBeLessThan(1_000);
}

test('"Snooze 1 day" after the reminder went out: the reminder comes again a day later, once', async () => {
  const { item, dueDate } = await actionItemDueIn(3);
  const first = await worker.runUntil(
    env.client.workflow.execute(actionItemReminderWorkflow, { workflowId: actionItemWorkflowId(item.id), taskQueue: world.taskQueue, args: [{ actionItemId: item.id, dueDate }] }),
  );
  expect(first.outcome).toBe('reminded');
  const remindAt = new Date(Date.parse(first.at) + 86_400_000);
  worker = await testWorker(env, orm, world);
  const second = await worker.runUntil(async () => {
    await snoozeReminder(env.client, world.taskQueue, { id: item.id, dueDate }, remindAt);
    return env.client.workflow.getHandle(actionItemWorkflowId(item.id)).result();
  });
  expect(second.outcome).toBe('reminded');
  // Not before the snooze time (the test server may skip past it between the two runs, never before).
  expect(Date.parse(second.at)).toBeGreaterThanOrEqual(remindAt.getTime() - 1_000);
  expect((await reminderRows(item.id)).map((row) => row.idempotencyKey).sort()).toEqual([`action-reminder:${item.id}:${dueDate}`, `action-reminder:${item.id}:${dueDate}:snoozed:${remindAt.toISOString()}`].sort());
});
