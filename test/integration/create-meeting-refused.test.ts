import type { MikroORM } from '@mikro-orm/postgresql';
import { Client, Connection } from '@temporalio/client';
import { createMeeting } from '../../commands/meetings';
import { Room } from '../../db/entities';
import { openTestOrm } from '../helpers/db';
import { createUser } from '../helpers/factories';
import { testWorld } from '../helpers/worker';

// Issue 15: the room row is written before its workflow starts; when Temporal refuses the start, no row may stay
// behind as a meeting that is `scheduled` forever.
const world = testWorld('create-refused');
let orm: MikroORM;
let connection: Connection;

beforeAll(async () => {
  orm = await openTestOrm();
  connection = await Connection.connect({ address: world.cfg.TEMPORAL_ADDRESS });
});

afterAll(async () => {
  await connection?.close();
  await orm?.close();
});

test('Temporal refuses the start (a task queue name over its length limit): the error reaches the caller and no room is left', async () => {
  const host = await createUser(orm.em.fork(), { name: 'Alice Host' });
  const em = orm.em.fork();
  const deps = { em, temporal: new Client({ connection, namespace: world.cfg.TEMPORAL_NAMESPACE }), cfg: { ...world.cfg, TEMPORAL_TASK_QUEUE: 'q'.repeat(2_000) } };
  await expect(createMeeting(deps, { kind: 'person', user: host, source: 'api' }, { title: 'Never started', start: new Date(Date.now() + 3_600_000), durationMinutes: 30, invitees: [] })).rejects.toThrow('Failed to start Workflow');
  expect(await orm.em.fork().count(Room, { host: host.id })).toBe(0);
});

test('a start that succeeds keeps its room', async () => {
  const host = await createUser(orm.em.fork(), { name: 'Alice Host' });
  const temporal = new Client({ connection, namespace: world.cfg.TEMPORAL_NAMESPACE });
  const deps = { em: orm.em.fork(), temporal, cfg: { ...world.cfg, TEMPORAL_TASK_QUEUE: world.taskQueue } };
  const { room, workflowId } = await createMeeting(deps, { kind: 'person', user: host, source: 'api' }, { title: 'Started', start: new Date(Date.now() + 3_600_000), durationMinutes: 30, invitees: [] });
  try {
    expect(await orm.em.fork().count(Room, { id: room.id })).toBe(1);
  } finally {
    await temporal.workflow.getHandle(workflowId).terminate('test over');
  }
});
