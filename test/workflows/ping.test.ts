import type { MikroORM } from '@mikro-orm/postgresql';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { Notification } from '../../db/entities';
import { pingWorkflow } from '../../workflows';
import { openTestOrm, unique } from '../helpers/db';
import { devServerEnvironment } from '../helpers/temporal';
import { testActivities, testWorker, testWorld } from '../helpers/worker';

let env: TestWorkflowEnvironment;
let orm: MikroORM;
let worker: Worker;
const world = testWorld('ping');
const { taskQueue } = world;

beforeAll(async () => {
  [env, orm] = await Promise.all([devServerEnvironment(), openTestOrm()]);
  worker = await testWorker(env, orm, world);
});

afterAll(async () => {
  await env?.teardown();
  await orm?.close();
});

test('the ping workflow runs on the real dev server and its activity writes one row', async () => {
  const workflowId = unique('ping');
  const result = await worker.runUntil(
    env.client.workflow.execute(pingWorkflow, { workflowId, taskQueue, args: ['hello from jest'] }),
  );

  const row = await orm.em.fork().findOneOrFail(Notification, { idempotencyKey: `ping:${workflowId}` }, { populate: ['user'] });
  expect(result).toEqual({ notificationId: row.id, message: 'hello from jest' });
  expect([row.message, row.type, row.deliveryStatus, row.user.email]).toEqual(['hello from jest', 'ping', 'sent', 'system@meetflow.local']);

  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  const completed = history.events?.filter((event) => event.activityTaskCompletedEventAttributes) ?? [];
  expect(completed).toHaveLength(1);
});

test('running the ping activity again (a retry) returns the same row and writes no other', async () => {
  const { recordPing } = testActivities(orm, world);
  const workflowId = unique('ping-retry');
  const first = await recordPing({ workflowId, message: 'once' });
  const second = await recordPing({ workflowId, message: 'twice' });

  expect(second).toBe(first);
  const rows = await orm.em.fork().find(Notification, { idempotencyKey: `ping:${workflowId}` });
  expect(rows.map((row) => [row.id, row.message])).toEqual([[first, 'once']]);
});
