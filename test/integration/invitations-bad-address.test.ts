import type { MikroORM } from '@mikro-orm/postgresql';
import { MockActivityEnvironment } from '@temporalio/testing';
import { RoomInvitation } from '../../db/entities';
import { openTestOrm, unique } from '../helpers/db';
import { createRoom, createUser } from '../helpers/factories';
import { testActivities, testWorld } from '../helpers/worker';

// An invitee address no column or mail server takes (one that came in through a door without the API's checks)
// is left out, and the other invitees get their invitations: before, the activity failed on every retry and the
// whole meeting with it.
let orm: MikroORM;
const world = testWorld('invitations-bad-address');

beforeAll(async () => {
  orm = await openTestOrm();
});

afterAll(async () => {
  await orm?.close();
});

test('createInvitations leaves out an address too long or broken to store, and invites the others', async () => {
  const em = orm.em.fork();
  const host = await createUser(em);
  const room = await createRoom(em, host);
  const good = `${unique('good')}@example.test`;
  const invitees = [{ email: `${'a'.repeat(320)}@example.test` }, { email: good }, { email: 'nul\u0000@example.test' }, { email: 'not an address' }];
  const { createInvitations } = testActivities(orm, world);
  const records: Awaited<ReturnType<typeof createInvitations>> = await new MockActivityEnvironment().run(createInvitations, { roomId: room.id, invitees, expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
  expect(records.map((record) => record.email)).toEqual([good]);
  expect((await orm.em.fork().find(RoomInvitation, { room: room.id })).map((invitation) => invitation.inviteeEmail)).toEqual([good]);
});
