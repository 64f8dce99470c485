import type { MikroORM } from '@mikro-orm/postgresql';
import { Connection } from '@temporalio/client';
import { Session, User } from '../../../db/entities';
import { hashToken } from '../../../db/sessions';
import { apiDeps, signUp, startApi, type TestApi } from '../../helpers/api';
import { openTestOrm, unique } from '../../helpers/db';
import { testWorld } from '../../helpers/worker';

let orm: MikroORM;
let connection: Connection;
let api: TestApi;
const world = testWorld('api-auth');

beforeAll(async () => {
  orm = await openTestOrm();
  connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  api = await startApi(apiDeps(orm, connection, world, { limits: { loginPerEmail: 3, loginPerIp: 1000 } }));
});

afterAll(async () => {
  await api?.close();
  await connection?.close();
  await orm?.close();
});

const PASSWORD = 'correct horse battery';

test('register gives a token once; only its SHA-256 is stored, and the password is bcrypt-hashed', async () => {
  const email = `${unique('ada')}@Example.test`;
  const response = await api.call('POST', '/auth/register', { body: { email, password: PASSWORD, name: 'Ada' }, headers: { 'user-agent': 'jest-agent' } });
  expect(response.status).toBe(201);
  expect(response.body).toMatchObject({ user: { email: email.toLowerCase(), name: 'Ada', role: 'user' }, token: expect.any(String), expiresAt: expect.any(String) });
  expect(Buffer.from(response.body.token, 'base64url')).toHaveLength(32);
  expect(JSON.stringify(response.body)).not.toMatch(/password|hash/i);

  const user = await orm.em.fork().findOneOrFail(User, { email: email.toLowerCase() });
  expect(user.passwordHash).toMatch(new RegExp(`^\\$2b\\$${String(world.cfg.PASSWORD_HASH_COST).padStart(2, '0')}\\$`));
  const session = await orm.em.fork().findOneOrFail(Session, { user: user.id });
  expect(session.tokenHash).toBe(hashToken(response.body.token));
  expect(session.deviceInfo).toEqual({ userAgent: 'jest-agent' });
  expect(session.ipAddress).toMatch(/127\.0\.0\.1/);
});

test('bad registrations say what to fix', async () => {
  const bad = await api.call('POST', '/auth/register', { body: { email: 'not-an-email', password: 'short', name: '' } });
  expect(bad.status).toBe(400);
  expect(bad.body.code).toBe('validation_error');
  expect(bad.body.detail).toContain('body.email: must be an email address');
  expect(bad.body.detail).toContain('body.password: must be at least 10 characters');
  const { user } = await signUp(api, 'Bea Taken');
  const taken = await api.call('POST', '/auth/register', { body: { email: user.email, password: PASSWORD, name: 'Bea' } });
  expect([taken.status, taken.body.code]).toEqual([409, 'email_taken']);
  const broken = await api.call('POST', '/auth/register', { rawBody: '{"email": ' });
  expect([broken.status, broken.body.code]).toEqual([400, 'invalid_json']);
});

test('login: a wrong password and an unknown email get the same answer; a right one a new session', async () => {
  const { user } = await signUp(api, 'Cy Login');
  const wrong = await api.call('POST', '/auth/login', { body: { email: user.email, password: 'nope nope nope' } });
  const unknown = await api.call('POST', '/auth/login', { body: { email: `${unique('ghost')}@example.test`, password: 'nope nope nope' } });
  expect(wrong).toMatchObject({ status: 401, body: { code: 'invalid_credentials', detail: 'Email or password is wrong' } });
  expect({ ...unknown.body, requestId: undefined }).toEqual({ ...wrong.body, requestId: undefined });
  expect(unknown.status).toBe(401);
  const right = await api.call('POST', '/auth/login', { body: { email: user.email.toUpperCase(), password: PASSWORD } });
  expect(right.status).toBe(200);
  expect((await api.call('GET', '/auth/me', { token: right.body.token })).body.user.email).toBe(user.email);
});

test('login is rate limited per email, with Retry-After', async () => {
  const { user } = await signUp(api, 'Dee Limit');
  for (let i = 0; i < 3; i++) expect((await api.call('POST', '/auth/login', { body: { email: user.email, password: 'wrong wrong wrong' } })).status).toBe(401);
  const limited = await api.call('POST', '/auth/login', { body: { email: user.email, password: PASSWORD } });
  expect(limited.status).toBe(429);
  expect(limited.body.code).toBe('rate_limited');
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
});

test('a deactivated account cannot log in', async () => {
  const { user } = await signUp(api, 'Eve Off');
  await orm.em.fork().nativeUpdate(User, user.id, { isActive: false });
  const response = await api.call('POST', '/auth/login', { body: { email: user.email, password: PASSWORD } });
  expect([response.status, response.body.code]).toEqual([403, 'account_disabled']);
});

test('sessions: list my devices, revoke one, log out; a revoked token no longer works', async () => {
  const { token, user } = await signUp(api, 'Fay Devices');
  const second = (await api.call('POST', '/auth/login', { body: { email: user.email, password: PASSWORD } })).body.token;
  const listed = await api.call('GET', '/auth/sessions', { token });
  expect(listed.body.sessions).toHaveLength(2);
  expect(listed.body.sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
  const other = listed.body.sessions.find((s: { current: boolean }) => !s.current);

  expect((await api.call('DELETE', `/auth/sessions/${other.id}`, { token })).status).toBe(204);
  expect((await api.call('GET', '/auth/me', { token: second })).status).toBe(401);
  expect((await api.call('DELETE', `/auth/sessions/${other.id}`, { token })).status).toBe(404);

  expect((await api.call('POST', '/auth/logout', { token })).status).toBe(204);
  const after = await api.call('GET', '/auth/me', { token });
  expect(after).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
});

test("someone else's session cannot be revoked", async () => {
  const alice = await signUp(api, 'Gil One');
  const bob = await signUp(api, 'Hal Two');
  const bobs = (await api.call('GET', '/auth/sessions', { token: bob.token })).body.sessions[0];
  expect((await api.call('DELETE', `/auth/sessions/${bobs.id}`, { token: alice.token })).status).toBe(404);
  expect((await api.call('GET', '/auth/me', { token: bob.token })).status).toBe(200);
});

test('no token, or a made-up one, is 401 with how to authenticate', async () => {
  const none = await api.call('GET', '/meetings');
  expect(none.status).toBe(401);
  expect(none.body.detail).toContain('Authorization: Bearer');
  expect((await api.call('GET', '/meetings', { token: 'made-up' })).status).toBe(401);
});
