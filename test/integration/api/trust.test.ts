import type { MikroORM } from '@mikro-orm/postgresql';
import { Connection } from '@temporalio/client';
import bcrypt from 'bcrypt';
import { DEFAULT_LIMITS, type ApiDeps } from '../../../api/app';
import { loadConfig } from '../../../config';
import { User } from '../../../db/entities';
import { createPasswordLink } from '../../../db/sessions';
import { apiDeps, signUp, startApi, type TestApi } from '../../helpers/api';
import { openTestOrm, unique } from '../../helpers/db';
import { testWorld } from '../../helpers/worker';

// Forgery and lock-out at the API door (issue 15): X-Forwarded-For is believed only from the proxies the operator
// declares; sign-in failures lock out one email from one address (and, more slowly, from everywhere), never the
// owner because of a stranger; registration is rate limited; bcrypt cost 12 with old hashes upgraded; no password
// is silently cut at 72 bytes; a password change ends the other sessions.
let orm: MikroORM;
let connection: Connection;
const world = testWorld('api-trust');
const PASSWORD = 'correct horse battery';
const opened: TestApi[] = [];

beforeAll(async () => {
  orm = await openTestOrm();
  connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
});

afterAll(async () => {
  await Promise.all(opened.map((api) => api.close()));
  await connection?.close();
  await orm?.close();
});

/** An API of its own (each has its own in-memory limits), optionally behind `hops` trusted proxies. */
async function api(limits: Partial<ApiDeps['limits']>, hops = 0, cfg: Partial<ApiDeps['cfg']> = {}): Promise<TestApi> {
  const deps = apiDeps(orm, connection, world, { limits: { ...DEFAULT_LIMITS, registerPerIp: 10_000, ...limits } });
  const started = await startApi({ ...deps, cfg: { ...deps.cfg, TRUST_PROXY_HOPS: hops, ...cfg } });
  opened.push(started);
  return started;
}

const login = (target: TestApi, email: string, password: string, forwardedFor?: string) =>
  target.call('POST', '/auth/login', { body: { email, password }, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} });

async function auditedIps(action: string, email: string): Promise<string[]> {
  const rows = await orm.em.fork().getConnection().execute<{ ip: string }[]>(`select host(ip_address) as ip from audit_events where action = ? and details->>'email' = ? order by occurred_at`, [action, email]);
  return rows.map((row) => row.ip);
}

test('by default a rotated X-Forwarded-For neither escapes the per-IP limit nor reaches the audit log', async () => {
  const target = await api({ loginPerIp: 3, loginPerEmail: 100 });
  const email = `${unique('xff')}@example.test`;
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await login(target, email, 'wrong wrong wrong', `198.51.100.${i}`)).status);
  expect(statuses).toEqual([401, 401, 401, 429, 429]);
  const ips = await auditedIps('auth.sign_in_failed', email);
  expect(ips).toHaveLength(3);
  for (const ip of ips) expect(ip).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
});

test('with TRUST_PROXY_HOPS=1 the address our proxy appended is the client, whatever the client put before it', async () => {
  const target = await api({ loginPerIp: 2, loginPerEmail: 100 }, 1);
  const email = `${unique('hop')}@example.test`;
  // The client forged 6.6.6.6; the proxy appended the address it saw.
  expect((await login(target, email, 'wrong wrong wrong', '6.6.6.6, 203.0.113.7')).status).toBe(401);
  expect((await login(target, email, 'wrong wrong wrong', '6.6.6.7, 203.0.113.7')).status).toBe(401);
  expect((await login(target, email, 'wrong wrong wrong', '6.6.6.8, 203.0.113.7')).status).toBe(429);
  // Another client behind the same proxy has a limit of its own.
  expect((await login(target, email, 'wrong wrong wrong', '203.0.113.8')).status).toBe(401);
  expect(await auditedIps('auth.sign_in_failed', email)).toEqual(['203.0.113.7', '203.0.113.7', '203.0.113.8']);
  const { user } = await signUp(target, 'Hop Session');
  const session = await orm.em.fork().getConnection().execute<{ ip: string | null }[]>(`select host(ip_address) as ip from sessions where user_id = ?`, [user.id]);
  expect(session[0].ip).toMatch(/^(::ffff:)?127\.0\.0\.1$/); // signed up without the header: the proxy's own peer
});

test('a stranger failing from another address cannot lock the owner out; many addresses together hit the slower per-email limit', async () => {
  const target = await api({ loginPerEmail: 3, loginPerEmailAnyIp: 6, loginPerIp: 1000 }, 1);
  const { user } = await signUp(target, 'Olga Owner');
  const from = (ip: string, password: string) => login(target, user.email, password, ip);
  for (let i = 0; i < 3; i++) expect((await from('192.0.2.66', 'wrong wrong wrong')).status).toBe(401);
  const attacker = await from('192.0.2.66', PASSWORD);
  expect([attacker.status, attacker.body.code]).toEqual([429, 'rate_limited']);
  expect(Number(attacker.headers.get('retry-after'))).toBeGreaterThan(0);
  // The owner, at home, signs in: a success is no failure and counts for nothing.
  expect((await from('192.0.2.10', PASSWORD)).status).toBe(200);
  expect((await from('192.0.2.10', PASSWORD)).status).toBe(200);
  // Three more failures from a second address make six for this email: now every address waits.
  for (let i = 0; i < 3; i++) expect((await from('192.0.2.67', 'wrong wrong wrong')).status).toBe(401);
  const owner = await from('192.0.2.10', PASSWORD);
  expect([owner.status, owner.body.detail]).toEqual([429, expect.stringMatching(/^Too many failed attempts for this account: try again in \d+ s$/)]);
});

test('registration is rate limited per IP', async () => {
  const target = await api({ registerPerIp: 2 });
  const register = () => target.call('POST', '/auth/register', { body: { email: `${unique('reg')}@example.test`, password: PASSWORD, name: 'Reg' } });
  expect([(await register()).status, (await register()).status]).toEqual([201, 201]);
  const third = await register();
  expect([third.status, third.body.code]).toEqual([429, 'rate_limited']);
  expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
});

test('passwords: over 72 bytes is refused with the reason; cost 12 by default; an old cost-10 hash still signs in and is upgraded', async () => {
  const target = await api({}, 0, { PASSWORD_HASH_COST: loadConfig({}).PASSWORD_HASH_COST });
  const accented = 'é'.repeat(37); // 37 characters, 74 bytes in UTF-8
  const long = await target.call('POST', '/auth/register', { body: { email: `${unique('long')}@example.test`, password: accented, name: 'Long' } });
  expect([long.status, long.body.code]).toEqual([400, 'validation_error']);
  expect(long.body.detail).toContain('body.password: must be at most 72 bytes in UTF-8');
  const exactly = await target.call('POST', '/auth/register', { body: { email: `${unique('max')}@example.test`, password: 'é'.repeat(36), name: 'Max' } });
  expect(exactly.status).toBe(201);

  const email = `${unique('old')}@example.test`;
  const em = orm.em.fork();
  em.create(User, { email, name: 'Old Hash', passwordHash: bcrypt.hashSync(PASSWORD, 10) });
  await em.flush();
  expect((await login(target, email, PASSWORD)).status).toBe(200);
  const upgraded = await orm.em.fork().findOneOrFail(User, { email });
  expect(upgraded.passwordHash).toMatch(/^\$2[aby]\$12\$/);
  expect((await login(target, email, PASSWORD)).status).toBe(200);
});

test('setting a password with a link ends every other session of the account', async () => {
  const target = await api({});
  const { user, token: first } = await signUp(target, 'Sam Sessions');
  const second = (await login(target, user.email, PASSWORD)).body.token;
  const link = await createPasswordLink(orm.em.fork(), await orm.em.fork().findOneOrFail(User, user.id));
  const set = await target.call('POST', '/auth/password', { body: { token: link, password: 'a brand new password' } });
  expect(set.status).toBe(200);
  expect([(await target.call('GET', '/auth/me', { token: first })).status, (await target.call('GET', '/auth/me', { token: second })).status]).toEqual([401, 401]);
  expect((await target.call('GET', '/auth/me', { token: set.body.token })).status).toBe(200);
  expect((await login(target, user.email, PASSWORD)).status).toBe(401);
});
