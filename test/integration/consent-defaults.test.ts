import type { MikroORM } from '@mikro-orm/postgresql';
import { mayRecordEveryone, mayRecordIdentity, storeConsent } from '../../db/consent';
import { openTestOrm } from '../helpers/db';
import { createRoom, createUser } from '../helpers/factories';

// RECORDING_CONSENT_DEFAULT against the stored decisions (PostgreSQL): who the recorder may record, and whether a
// mixed recording may be made.
let orm: MikroORM;

beforeAll(async () => {
  orm = await openTestOrm();
});

afterAll(() => orm?.close());

test('opt-out records everyone but who declined; opt-in only who said yes; a mixed recording only under opt-out with no decline', async () => {
  const em = orm.em.fork();
  const host = await createUser(em);
  const [yes, no, silent] = [await createUser(em), await createUser(em), await createUser(em)];
  const room = await createRoom(em, host);
  const at = (seconds: number) => new Date(Date.UTC(2026, 11, 1, 10, 0, seconds)).toISOString();
  await storeConsent(em, room.id, { userId: yes.id, record: true, eventId: 'e1', at: at(1) });
  expect(await mayRecordEveryone(em, room.id, 'opt-out')).toBe(true);
  await storeConsent(em, room.id, { userId: no.id, record: false, eventId: 'e2', at: at(2) });

  const decide = async (mode: 'opt-out' | 'opt-in') =>
    Object.fromEntries(await Promise.all(Object.entries({ yes, no, silent, guest: { id: 'guest-identity' } }).map(async ([who, user]) => [who, await mayRecordIdentity(em, room.id, user.id, mode)])));
  expect(await decide('opt-out')).toEqual({ yes: true, no: false, silent: true, guest: true });
  expect(await decide('opt-in')).toEqual({ yes: true, no: false, silent: false, guest: false });
  expect(await mayRecordEveryone(em, room.id, 'opt-out')).toBe(false);
  expect(await mayRecordEveryone(em, room.id, 'opt-in')).toBe(false);

  // An older decision arriving late (two writes in flight) does not undo a newer one; a newer one does.
  await storeConsent(em, room.id, { userId: no.id, record: true, eventId: 'e0', at: at(0) });
  expect(await mayRecordIdentity(em, room.id, no.id, 'opt-out')).toBe(false);
  await storeConsent(em, room.id, { userId: no.id, record: true, eventId: 'e3', at: at(3) });
  expect(await mayRecordIdentity(em, room.id, no.id, 'opt-out')).toBe(true);
});
