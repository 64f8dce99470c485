import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Notification, Recording, RoomInvitation, Session, Transcript } from '../../db/entities';
import { openOrm } from '../../db/orm';
import { createScratchDatabase } from '../helpers/db';
import { createRoom, createUser, randomToken } from '../helpers/factories';

// The functions act on whole tables, so they get a database of their own: counts are exact.
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let orm: MikroORM;

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

async function call(fn: string): Promise<number> {
  const [row] = await orm.em.fork().getConnection().execute<{ n: number }[]>(`select ${fn} as n`);
  return row.n;
}

async function fixtures(em: EntityManager) {
  const host = await createUser(em);
  const room = await createRoom(em, host);
  return { host, room };
}

beforeAll(async () => {
  scratch = await createScratchDatabase('meetflow_cleanup');
  orm = await openOrm(scratch.url, { debug: false });
  await orm.getMigrator().up();
});

afterAll(async () => {
  await orm?.close();
  await scratch?.drop();
});

test('cleanup_expired_invitations() expires pending invitations past their expiry, and only those', async () => {
  const em = orm.em.fork();
  const { host, room } = await fixtures(em);
  const invite = (label: string, expiresAt: Date, status: 'pending' | 'accepted' = 'pending') =>
    em.create(RoomInvitation, { room, inviter: host, inviteeEmail: `${label}@example.test`, token: randomToken(), expiresAt, status });
  const expired = invite('expired', ago(1));
  const current = invite('current', ago(-1));
  const acceptedLongAgo = invite('accepted', ago(3), 'accepted');
  await em.flush();

  expect(await call('cleanup_expired_invitations()')).toBe(1);
  expect(await call('cleanup_expired_invitations()')).toBe(0);
  const statuses = Object.fromEntries(
    (await orm.em.fork().find(RoomInvitation, { room })).map((row) => [row.id, row.status]),
  );
  expect(statuses).toEqual({ [expired.id]: 'expired', [current.id]: 'pending', [acceptedLongAgo.id]: 'accepted' });
});

test('cleanup_expired_sessions() deletes expired and revoked sessions, and keeps live ones', async () => {
  const em = orm.em.fork();
  const { host } = await fixtures(em);
  const session = (expiresAt: Date, revokedAt?: Date) => em.create(Session, { user: host, tokenHash: randomToken(), expiresAt, revokedAt });
  session(ago(1));
  session(ago(-5), ago(0.5));
  const live = session(ago(-5));
  await em.flush();

  expect(await call('cleanup_expired_sessions()')).toBe(2);
  expect((await orm.em.fork().find(Session, { user: host })).map((row) => row.id)).toEqual([live.id]);
});

test('cleanup_old_notifications(days) deletes read notifications older than the cut-off, never unread ones', async () => {
  const em = orm.em.fork();
  const { host } = await fixtures(em);
  const note = (key: string, createdAt: Date, isRead: boolean) =>
    em.create(Notification, { user: host, type: 'test', title: key, message: key, idempotencyKey: `${key}-${randomToken()}`, createdAt, isRead });
  note('read-old', ago(31), true);
  const unreadOld = note('unread-old', ago(90), false);
  const readRecent = note('read-recent', ago(29), true);
  await em.flush();

  expect(await call('cleanup_old_notifications(30)')).toBe(1);
  const left = (await orm.em.fork().find(Notification, { user: host }, { orderBy: { title: 'asc' } })).map((row) => row.id);
  expect(left.sort()).toEqual([unreadOld.id, readRecent.id].sort());
  expect(await call('cleanup_old_notifications(7)')).toBe(1);
});

test('cleanup_old_recordings(days) archives old recordings (file reference dropped), keeps recent ones and transcripts', async () => {
  const em = orm.em.fork();
  const { room } = await fixtures(em);
  const recording = (label: string, completedAt: Date) =>
    em.create(Recording, { room, livekitRecordingId: `${label}-${randomToken()}`, status: 'completed', completedAt, filePath: `/rec/${label}.ogg`, fileUrl: `s3://bucket/${label}.ogg` });
  const old = recording('old', ago(91));
  const recent = recording('recent', ago(89));
  const transcript = em.create(Transcript, { recording: old, room, text: 'kept after the audio is archived' });
  await em.flush();

  expect(await call('cleanup_old_recordings(90)')).toBe(1);
  expect(await call('cleanup_old_recordings(90)')).toBe(0);
  const rows = await orm.em.fork().find(Recording, { room }, { orderBy: { completedAt: 'asc' } });
  expect(rows.map((row) => [row.id, row.status, row.filePath, row.fileUrl])).toEqual([
    [old.id, 'archived', null, null],
    [recent.id, 'completed', '/rec/recent.ogg', 's3://bucket/recent.ogg'],
  ]);
  expect((await orm.em.fork().findOneOrFail(Transcript, transcript.id)).text).toBe('kept after the audio is archived');
});
