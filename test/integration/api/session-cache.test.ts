import type { MikroORM } from '@mikro-orm/postgresql';
import { Connection } from '@temporalio/client';
import pino from 'pino';
import { Session, User } from '../../../db/entities';
import { SESSION_CACHE_APPLICATION, SessionCache } from '../../../db/session-cache';
import { hashToken } from '../../../db/sessions';
import { apiDeps, signUp, startApi, type TestApi } from '../../helpers/api';
import { openTestOrm, testDatabaseUrl } from '../../helpers/db';
import { randomToken } from '../../helpers/factories';
import { waitFor } from '../../helpers/wait';
import { testWorld } from '../../helpers/worker';

/*
 * The API as deployed keeps live sessions in memory (api/main.ts). These tests change sessions and users the ways
 * people and operators do (through the API, and by hand in SQL, as another process would) and check that every
 * request after the change is answered as the database now says.
 */

let orm: MikroORM;
let connection: Connection;
let sessions: SessionCache;
let api: TestApi;
const world = testWorld('api-session-cache');

beforeAll(async () => {
  orm = await openTestOrm();
  connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  sessions = await SessionCache.start(testDatabaseUrl(), pino({ level: 'silent' }), { seconds: 60, reconnectMs: 2_000 });
  api = await startApi(apiDeps(orm, connection, world, { sessions }));
});

afterAll(async () => {
  await api?.close();
  await sessions?.stop();
  await connection?.close();
  await orm?.close();
});

const me = (token: string) => api.call('GET', '/auth/me', { token });
/** Another process's change arrives as PostgreSQL's notice, a few milliseconds after it commits. */
const NOTICE_MS = 5_000;

async function signedInAndKept(name: string): Promise<{ token: string; userId: string }> {
  const { token, user } = await signUp(api, name);
  expect((await me(token)).status).toBe(200);
  expect(sessions.size).toBeGreaterThan(0);
  return { token, userId: user.id };
}

test('a session is kept after its first request and answers the next ones the same', async () => {
  const { token, userId } = await signedInAndKept('Kept Person');
  const sizeBefore = sessions.size;
  for (let i = 0; i < 3; i++) expect((await me(token)).body.user).toMatchObject({ id: userId, name: 'Kept Person' });
  expect(sessions.size).toBe(sizeBefore);
});

test('logging out through the API ends the session for the very next request', async () => {
  const { token } = await signedInAndKept('Logs Out');
  expect((await api.call('POST', '/auth/logout', { token })).status).toBe(204);
  expect((await me(token)).status).toBe(401);
});

test("revoking another device's session ends it for that device's next request", async () => {
  const first = await signedInAndKept('Two Devices');
  const login = await api.call('POST', '/auth/login', { body: { email: (await me(first.token)).body.user.email, password: 'correct horse battery' } });
  const second = login.body.token as string;
  expect((await me(second)).status).toBe(200);
  const secondId = (await orm.em.fork().findOneOrFail(Session, { user: first.userId }, { orderBy: { createdAt: 'desc' } })).id;
  expect((await api.call('DELETE', `/auth/sessions/${secondId}`, { token: first.token })).status).toBe(204);
  expect((await me(second)).status).toBe(401);
  expect((await me(first.token)).status).toBe(200);
});

test('a session revoked by hand in SQL (another process) stops working once the notice arrives', async () => {
  const { token, userId } = await signedInAndKept('Revoked By Hand');
  await orm.em.getConnection().execute(`update sessions set revoked_at = now() where user_id = ?`, [userId]);
  await waitFor('the revoked session to be refused', async () => (await me(token)).status === 401, NOTICE_MS, 20);
});

test('a user deactivated elsewhere is refused, and a new role shows, once the notice arrives', async () => {
  const demoted = await signedInAndKept('Role Changes');
  await orm.em.fork().nativeUpdate(User, demoted.userId, { role: 'admin' });
  await waitFor('the new role to show', async () => (await me(demoted.token)).body?.user?.role === 'admin', NOTICE_MS, 20);

  const leaving = await signedInAndKept('Deactivated');
  await orm.em.fork().nativeUpdate(User, leaving.userId, { isActive: false });
  await waitFor('the deactivated user to be refused', async () => (await me(leaving.token)).status === 401, NOTICE_MS, 20);
});

test('a kept session ends at its expiry, not at the end of the cache time', async () => {
  const { userId } = await signedInAndKept('Short Session');
  const token = randomToken();
  const em = orm.em.fork();
  // Inserted, not updated: no notice drops it, so only its expiry can end it in the cache.
  em.create(Session, { user: userId, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + 1_500) });
  await em.flush();
  expect((await me(token)).status).toBe(200);
  await waitFor('the expired session to be refused', async () => (await me(token)).status === 401, 5_000, 100);
});

test('without its listening connection nothing is kept, so a change shows at once; it listens again by itself', async () => {
  const { token, userId } = await signedInAndKept('Connection Lost');
  const [{ killed }] = await orm.em.getConnection().execute<{ killed: boolean }[]>(`select pg_terminate_backend(pid) as killed from pg_stat_activity where application_name = ?`, [
    `${SESSION_CACHE_APPLICATION}-${process.pid}`,
  ]);
  expect(killed).toBe(true);
  // It tries again 2 s later (reconnectMs): time enough to see what it does meanwhile.
  await waitFor('the cache to notice its lost connection', () => !sessions.isListening, 1_500, 10);
  expect(sessions.size).toBe(0);
  expect((await me(token)).status).toBe(200);
  expect(sessions.size).toBe(0);

  // No notice can arrive now: the request must read the database to refuse this session.
  await orm.em.getConnection().execute(`update sessions set revoked_at = now() where user_id = ?`, [userId]);
  expect((await me(token)).status).toBe(401);

  await waitFor('the cache to listen again', () => sessions.isListening, 10_000, 50);
  await signedInAndKept('Kept Again');
});

test('it keeps at most maxEntries sessions, dropping the oldest; every session still signs in', async () => {
  const small = await SessionCache.start(testDatabaseUrl(), pino({ level: 'silent' }), { seconds: 60, maxEntries: 2 });
  const smallApi = await startApi(apiDeps(orm, connection, world, { sessions: small }));
  try {
    const tokens = [];
    for (const name of ['First Kept', 'Second Kept', 'Third Kept']) tokens.push((await signUp(smallApi, name)).token);
    for (const token of [...tokens, ...tokens]) {
      expect((await smallApi.call('GET', '/auth/me', { token })).status).toBe(200);
      expect(small.size).toBeLessThanOrEqual(2);
    }
    expect(small.size).toBe(2);
  } finally {
    await smallApi.close();
    await small.stop();
  }
});

test('SESSION_CACHE_SECONDS=0 keeps nothing', async () => {
  const off = await SessionCache.start(testDatabaseUrl(), pino({ level: 'silent' }), { seconds: 0 });
  const offApi = await startApi(apiDeps(orm, connection, world, { sessions: off }));
  try {
    const { token } = await signUp(offApi, 'Cache Off');
    expect((await offApi.call('GET', '/auth/me', { token })).status).toBe(200);
    expect(off.size).toBe(0);
    expect(off.isListening).toBe(false);
  } finally {
    await offApi.close();
    await off.stop();
  }
});
