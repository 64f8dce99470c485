import type { MikroORM } from '@mikro-orm/postgresql';
import { Connection } from '@temporalio/client';
import fc from 'fast-check';
import { apiDeps, signUp, startApi, type TestApi } from '../../helpers/api';
import { openTestOrm } from '../../helpers/db';
import { testWorld } from '../../helpers/worker';

// Thousands of random and hostile requests at the write endpoints: never a 5xx, and a refused request
// changes nothing. (Requests that happen to be valid may succeed: that is allowed, and counted.)
let orm: MikroORM;
let connection: Connection;
let api: TestApi;
let victim: { token: string; user: { id: string; email: string } };
const world = testWorld('api-hostile');

beforeAll(async () => {
  orm = await openTestOrm();
  connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  api = await startApi(apiDeps(orm, connection, world, { limits: { loginPerEmail: 1_000_000, loginPerIp: 1_000_000 } }));
  victim = await signUp(api, 'Vic Target');
});

afterAll(async () => {
  await api?.close();
  await connection?.close();
  await orm?.close();
});

/** What a refused request must not change: the victim's rooms, sessions, invitations, items, and the user count of odd emails. */
async function snapshot() {
  // One statement, not five: it runs twice for each of the 1,500 requests.
  const [counts] = await orm.em.fork().getConnection().execute<Record<string, string>[]>(
    `select (select count(*) from rooms where host_id = ?) as rooms,
            (select count(*) from sessions where user_id = ?) as sessions,
            (select count(*) from room_invitations where inviter_id = ?) as invitations,
            (select count(*) from action_items where assigned_to_id = ?) as items,
            (select count(*) from users where email like '%@fuzz.test') as fuzz_users`,
    Array(4).fill(victim.user.id),
  );
  return Object.fromEntries(Object.entries(counts).map(([key, n]) => [key, Number(n)]));
}

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.constantFrom("'; drop table users; --", '<script>alert(1)</script>', '../../etc/passwd', '\u0000', 'x'.repeat(5000), '2026-13-45T99:99:99Z', '-1', 'NaN', '{}', '[]', 'null'),
);
const hostileValue = fc.oneof(fc.anything({ maxDepth: 3 }), hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const fuzzEmail = fc.oneof(hostileString, fc.constant('ok@fuzz.test'), fc.emailAddress().map((e) => e.replace(/@.*/, '@fuzz.test')));

const requests: fc.Arbitrary<{ method: string; path: string; body?: unknown; rawBody?: string; auth: boolean }> = fc.oneof(
  fc.record({ method: fc.constant('POST'), path: fc.constant('/auth/register'), body: fc.record({ email: fuzzEmail, password: hostileValue, name: hostileValue }, { requiredKeys: [] }), auth: fc.constant(false) }),
  fc.record({ method: fc.constant('POST'), path: fc.constant('/auth/login'), body: fc.record({ email: fuzzEmail, password: hostileValue }, { requiredKeys: [] }), auth: fc.constant(false) }),
  fc.record({
    method: fc.constant('POST'),
    path: fc.constant('/meetings'),
    body: fc.record(
      { title: hostileValue, start: fc.oneof(hostileValue, fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString()))), durationMinutes: hostileValue, invitees: fc.oneof(hostileValue, fc.array(hostileValue, { maxLength: 5 })), settings: hostileValue, tags: hostileValue },
      { requiredKeys: [] },
    ),
    auth: fc.constant(true),
  }),
  fc.record({ method: fc.constantFrom('POST', 'PATCH', 'DELETE', 'PUT'), path: fc.oneof(fc.constant('/meetings'), hostileString.map((s) => `/meetings/${encodeURIComponent(s)}/reschedule`)), body: hostileValue, auth: fc.boolean() }),
  fc.record({ method: fc.constant('PATCH'), path: hostileString.map((s) => `/action-items/${encodeURIComponent(s)}`), body: hostileValue, auth: fc.boolean() }),
  fc.record({ method: fc.constant('POST'), path: hostileString.map((s) => `/invitations/${encodeURIComponent(s)}/accept`), body: hostileValue, auth: fc.constant(false) }),
  fc.record({ method: fc.constant('DELETE'), path: hostileString.map((s) => `/auth/sessions/${encodeURIComponent(s)}`), auth: fc.constant(true) }),
  fc.record({ method: fc.constantFrom('POST', 'PATCH'), path: fc.constantFrom('/meetings', '/auth/register', '/auth/login'), rawBody: hostileString, auth: fc.boolean() }),
  fc.record({ method: fc.constant('GET'), path: fc.tuple(fc.constantFrom('/meetings?', '/search?', '/notifications?', '/action-items?'), hostileString).map(([p, q]) => `${p}${encodeURIComponent(q)}=${encodeURIComponent(q)}`), auth: fc.constant(true) }),
);

test('no hostile request gets a 5xx, and no refused request changes a row', async () => {
  let accepted = 0;
  await fc.assert(
    fc.asyncProperty(requests, async (request) => {
      const before = await snapshot();
      const response = await api.call(request.method, request.path, { token: request.auth ? victim.token : undefined, body: request.body, rawBody: request.rawBody });
      expect(response.status).toBeLessThan(500);
      if (response.status >= 400) {
        expect(response.body).toMatchObject({ type: expect.stringMatching(/^urn:meetflow:problem:/), detail: expect.any(String) });
        expect(await snapshot()).toEqual(before);
      } else accepted += 1;
    }),
    { numRuns: 1500, seed: 20261125 },
  );
  console.log(`hostile requests: 1500, accepted as valid: ${accepted}`);
}, 300_000);

test('an oversize body is 413, not a crash', async () => {
  const response = await api.call('POST', '/meetings', { token: victim.token, rawBody: JSON.stringify({ title: 'x'.repeat(2 * 1024 * 1024) }) });
  expect([response.status, response.body.code]).toEqual([413, 'payload_too_large']);
});
