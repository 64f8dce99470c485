import type { MikroORM } from '@mikro-orm/postgresql';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fc from 'fast-check';
import { waitForPhase } from '../../../clients/video-events';
import { Room, User } from '../../../db/entities';
import { signWebhook } from '../../fakes/livekit';
import { apiDeps, signUp, startApi, type TestApi } from '../../helpers/api';
import { DEFAULT_LIMITS } from '../../../api/app';
import { countByClass, HOSTILE_REQUEST_ID_PREFIX, FORGED_CURSORS, hostileRequests, problemsWith, routesOf, sendRaw, type HostileRequest, type KnownIds } from '../../helpers/hostile-requests';
import { startWorkerStack, testWorld, type WorkerStack } from '../../helpers/worker';
import { waitFor } from '../../helpers/wait';

// Generated hostile requests at every route of the real API (on PostgreSQL and the Temporal dev server): no answer
// is a 5xx, every refusal is a problem body that names what to fix, and a refused request changes nothing.
// bench/hostile.ts sends 10,000 and more of the same; this file keeps to a seeded few hundred.
const KEY = 'APIhostileroutes';
const SECRET = 'hostile-routes-secret-hostile-routes-secret';
const world = testWorld('api-hostile-routes');
let stack: WorkerStack;
let env: TestWorkflowEnvironment;
let orm: MikroORM;
let api: TestApi;
let host: Awaited<ReturnType<typeof signUp>>;
let admin: Awaited<ReturnType<typeof signUp>>;
let meetingId: string;
/** The generated requests' own target: an accepted one may cancel or move it, which the targeted tests must not see. */
let fuzzedMeetingId: string;
let tokens: Record<HostileRequest['as'], string | undefined>;

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

beforeAll(async () => {
  stack = await startWorkerStack(world);
  ({ env, orm } = stack);
  const cfg = { ...world.cfg, TEMPORAL_TASK_QUEUE: world.taskQueue, LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET };
  api = await startApi(apiDeps(orm, env.connection, world, { cfg, limits: { ...DEFAULT_LIMITS, loginPerEmail: 1_000_000, loginPerIp: 1_000_000 } }));
  host = await signUp(api, 'Hostile Host');
  admin = await signUp(api, 'Audit Admin');
  await orm.em.fork().nativeUpdate(User, admin.user.id, { role: 'admin' });
  const created = await api.call('POST', '/meetings', { token: host.token, body: { title: 'Target practice', start: inAnHour(), invitees: ['guest@example.test'], settings: { reminderMinutesBefore: 0 } } });
  meetingId = created.body.meeting.id;
  const fuzzed = await api.call('POST', '/meetings', { token: host.token, body: { title: 'Moving target', start: inAnHour(), invitees: ['guest@example.test'], settings: { reminderMinutesBefore: 0 } } });
  fuzzedMeetingId = fuzzed.body.meeting.id;
  await waitForPhase(env.client.workflow.getHandle(created.body.workflowId), ['waiting']);
  await waitForPhase(env.client.workflow.getHandle(fuzzed.body.workflowId), ['waiting']);
  tokens = { nobody: undefined, user: host.token, admin: admin.token, forged: 'mf_forged_0000000000000000000000000000' };
}, 120_000);

afterAll(async () => {
  await api?.close();
  await stack?.stop();
});

/**
 * What a refused request must not change: the rows of this file's people and the audit rows of its requests (other
 * test files write to the same database at the same time), and the target meeting as stored.
 */
async function snapshot(targetId = meetingId) {
  const connection = orm.em.fork().getConnection();
  const one = async (sql: string, params: unknown[] = []) => (await connection.execute<Record<string, unknown>[]>(sql, params))[0];
  const ours = [host.user.id, admin.user.id];
  return {
    counts: await one(
      `select (select count(*) from users where email in (?, ?, 'someone@example.test')) as users, (select count(*) from sessions where revoked_at is null and user_id in (?, ?)) as sessions,
      (select count(*) from rooms where host_id in (?, ?)) as rooms, (select count(*) from action_items i join rooms r on r.id = i.room_id where r.host_id in (?, ?)) as items,
      (select count(*) from audit_events where action <> 'auth.sign_in_failed' and (actor_id in (?, ?) or request_id like ?)) as audit`,
      [host.user.email, admin.user.email, ...ours, ...ours, ...ours, ...ours, `${HOSTILE_REQUEST_ID_PREFIX}%`],
    ),
    meeting: await one('select name, description, status, tags, settings, scheduled_start_time from rooms where id = ?', [targetId]),
  };
}

/** Waits (up to 5 s) until two readings 200 ms apart agree. */
async function untilStill(read: () => Promise<unknown>): Promise<void> {
  let last = JSON.stringify(await read());
  for (let waited = 0; waited < 5_000; waited += 200) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const now = JSON.stringify(await read());
    if (now === last) return;
    last = now;
  }
}

const problemOf = (response: { body: string }) => JSON.parse(response.body) as { code: string; detail: string; errors?: { field: string }[] };
const fieldsOf = (response: { body: string }) => problemOf(response).errors?.map((error) => error.field);

test('300 generated hostile requests at every route: no 5xx, every refusal says what to fix and changes nothing', async () => {
  const openApi = await api.call('GET', '/openapi.json');
  const routes = routesOf(openApi.body);
  expect(routes.length).toBeGreaterThan(40);
  const known: KnownIds = { meetingId: fuzzedMeetingId, email: host.user.email };
  const requests = fc.sample(hostileRequests(routes, known), { numRuns: 300, seed: 20261201 });
  const failures: string[] = [];
  const statuses: number[] = [];
  for (const request of requests) {
    const before = await snapshot(fuzzedMeetingId);
    const response = await sendRaw(api.url, request, tokens);
    statuses.push(response.status);
    const what = `${request.method} ${request.target.slice(0, 120)} (${JSON.stringify(request.headers)}, body ${JSON.stringify(request.body?.slice(0, 80))})`;
    for (const problem of problemsWith(request, response)) failures.push(`${what}: ${problem}`);
    if (response.status === 0) failures.push(`${what}: no answer`);
    if (response.status >= 400 && JSON.stringify(await snapshot(fuzzedMeetingId)) !== JSON.stringify(before)) failures.push(`${what}: refused with ${response.status}, but changed rows`);
    // An accepted request (a reschedule) goes on changing rows after its answer (the workflow mirrors it): let
    // that land, so the next refusal is not blamed for it.
    if (response.status > 0 && response.status < 400) await untilStill(() => snapshot(fuzzedMeetingId));
  }
  console.log(`hostile requests: ${requests.length}, by status class: ${JSON.stringify(countByClass(statuses))}`);
  expect(failures).toEqual([]);
  // The generator reaches the handlers, not only the validators.
  expect(statuses.filter((status) => status < 300).length).toBeGreaterThan(5);
  expect(statuses.filter((status) => status === 400).length).toBeGreaterThan(50);
}, 600_000);

test('a cancel whose reason holds a NUL is a 400 naming body.reason: the meeting is not cancelled and no audit row is written', async () => {
  const before = await snapshot();
  const response = await sendRaw(api.url, { method: 'POST', target: `/meetings/${meetingId}/cancel`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'over\u0000budget' }), as: 'user' }, tokens);
  expect([response.status, fieldsOf(response)]).toEqual([400, ['body.reason']]);
  expect(await snapshot()).toEqual(before);
  const audit = await orm.em.fork().getConnection().execute(`select count(*)::int as n from audit_events where action = 'meeting.cancel' and target_id = ?`, [meetingId]);
  expect(audit[0].n).toBe(0);
  const live = await api.call('GET', `/meetings/${meetingId}?live=true`, { token: host.token });
  expect(live.body.live.phase).toBe('waiting');
});

test('NUL bytes in stored and searched strings are 400s that name the field', async () => {
  const cases: [string, string, string, unknown, string][] = [
    ['POST', '/auth/register', 'nobody', { email: 'nul@example.test', password: 'correct horse battery', name: 'Nul\u0000Name' }, 'body.name'],
    ['POST', '/meetings', 'user', { title: 'a\u0000b', start: inAnHour() }, 'body.title'],
    ['POST', '/meetings', 'user', { title: 'ok', description: '\u0000', start: inAnHour() }, 'body.description'],
    ['POST', '/meetings', 'user', { title: 'ok', tags: ['a\u0000'], start: inAnHour() }, 'body.tags.0'],
    ['POST', '/meetings', 'user', { title: 'ok', settings: { language: 'e\u0000n' }, start: inAnHour() }, 'body.settings.language'],
    ['GET', '/search?q=a%00b', 'user', undefined, 'query.q'],
    ['GET', '/meetings?tag=%00', 'user', undefined, 'query.tag'],
  ];
  const before = await snapshot();
  const answers = [];
  for (const [method, target, as, body, field] of cases) {
    const response = await sendRaw(api.url, { method, target, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined, as: as as HostileRequest['as'] }, tokens);
    answers.push([target, response.status, fieldsOf(response), problemOf(response).detail.startsWith(`${field}: `)]);
  }
  expect(answers).toEqual(cases.map(([, target, , , field]) => [target, 400, [field], true]));
  expect(await snapshot()).toEqual(before);
});

test('an email longer than an address can be is a 400 naming the field, as an account and as an invitee (no meeting is made)', async () => {
  const long = `${'a'.repeat(320)}@example.test`;
  const before = await snapshot();
  const register = await api.call('POST', '/auth/register', { body: { email: long, password: 'correct horse battery', name: 'Long Mail' } });
  const login = await api.call('POST', '/auth/login', { body: { email: long, password: 'correct horse battery' } });
  const invitee = await api.call('POST', '/meetings', { token: host.token, body: { title: 'Long invitee', start: inAnHour(), invitees: [long] } });
  const inviteeObject = await api.call('POST', '/meetings', { token: host.token, body: { title: 'Long invitee', start: inAnHour(), invitees: [{ email: long, name: 'Long' }] } });
  expect([register, login, invitee, inviteeObject].map((response) => [response.status, response.body.errors?.map((error: { field: string }) => error.field)])).toEqual([
    [400, ['body.email']],
    [400, ['body.email']],
    [400, ['body.invitees.0']],
    [400, expect.arrayContaining(['body.invitees.0.email'])],
  ]);
  expect(await snapshot()).toEqual(before);
});

test('dates PostgreSQL would refuse, and forged cursors, are 400s naming the parameter', async () => {
  const cases: [string, string, string][] = [
    ['user', '/meetings?from=0000-01-01T00:00:00Z', 'query.from'],
    ['user', `/meetings?to=${encodeURIComponent('2026-12-03T14:00:00-23:59')}`, 'query.to'],
    ['user', '/meetings?from=275760-09-13T00:00:00Z', 'query.from'],
    ['user', `/meetings?from=${encodeURIComponent('+275760-09-13T00:00:00.000Z')}`, 'query.from'],
    ['admin', '/admin/audit?from=0000-01-01T00:00:00Z', 'query.from'],
    ['admin', `/admin/audit?to=${encodeURIComponent('9999-12-31T23:59:59-23:59')}`, 'query.to'],
    ...FORGED_CURSORS.map((cursor): [string, string, string] => ['user', `/meetings?cursor=${encodeURIComponent(cursor)}`, 'query.cursor']),
    ...FORGED_CURSORS.map((cursor): [string, string, string] => ['admin', `/admin/audit?cursor=${encodeURIComponent(cursor)}`, 'query.cursor']),
  ];
  const answers = [];
  for (const [as, target] of cases) {
    const response = await sendRaw(api.url, { method: 'GET', target, headers: {}, as: as as HostileRequest['as'] }, tokens);
    answers.push([target, response.status, fieldsOf(response)]);
  }
  expect(answers).toEqual(cases.map(([, target, field]) => [target, 400, [field]]));
  // The dates at the edges of the range are taken.
  expect((await api.call('GET', '/meetings?from=1970-01-01T00:00:00Z&to=9999-12-31T23:59:59Z', { token: host.token })).status).toBe(200);
  // A cursor the API gave out still works.
  const first = await api.call('GET', '/admin/audit?limit=1', { token: admin.token });
  expect((await api.call('GET', `/admin/audit?limit=1&cursor=${first.body.nextCursor}`, { token: admin.token })).status).toBe(200);
});

test('TRACE, CONNECT, PROPFIND and unknown methods: 405 (400 when Node cannot parse them: TRACK, XYZZY), each with a problem body', async () => {
  const answers = [];
  for (const [method, target] of [['TRACE', '/meetings'], ['TRACE', '/health'], ['TRACK', '/'], ['PROPFIND', '/auth/me'], ['SEARCH', '/search'], ['CONNECT', '127.0.0.1:443'], ['XYZZY', '/meetings'], ['PUT', '/health'], ['PUT', '/meetings']]) {
    const response = await sendRaw(api.url, { method, target, headers: {}, as: 'user' }, tokens);
    answers.push(`${method} ${target}: ${response.status} ${problemOf(response).code}`);
  }
  expect(answers).toEqual([
    'TRACE /meetings: 405 method_not_allowed',
    'TRACE /health: 405 method_not_allowed',
    'TRACK /: 400 invalid_request',
    'PROPFIND /auth/me: 405 method_not_allowed',
    'SEARCH /search: 405 method_not_allowed',
    'CONNECT 127.0.0.1:443: 405 method_not_allowed',
    'XYZZY /meetings: 400 invalid_request',
    'PUT /health: 405 method_not_allowed',
    'PUT /meetings: 405 method_not_allowed',
  ]);
});

test('a declared Content-Length over the limit is answered 413 at once, on every route that takes a body', async () => {
  const answers = [];
  for (const target of ['/meetings', '/auth/register', '/webhooks/livekit', '/login', `/meetings/${meetingId}/recordings`, `/meetings/${meetingId}/cancel`]) {
    // A tiny body under a header that promises 10 GB: a server that waits for the rest never answers (status 0).
    const response = await sendRaw(api.url, { method: 'POST', target, headers: { 'content-type': 'application/json', 'content-length': '10737418240' }, body: '{"a":1}', as: 'user' }, tokens, 10_000);
    answers.push(`${target}: ${response.status} ${response.status ? problemOf(response).code : 'no answer'}`);
  }
  expect(answers).toEqual(['/meetings', '/auth/register', '/webhooks/livekit', '/login', `/meetings/${meetingId}/recordings`, `/meetings/${meetingId}/cancel`].map((target) => `${target}: 413 payload_too_large`));
});

test('a signed LiveKit webhook for a meeting that is over is acknowledged (204), and one dated at int64 max is a 400', async () => {
  const post = (body: string) => sendRaw(api.url, { method: 'POST', target: '/webhooks/livekit', headers: { 'content-type': 'application/webhook+json', authorization: signWebhook(body, KEY, SECRET) }, body, as: 'nobody' }, tokens);
  const created = await api.call('POST', '/meetings', { token: host.token, body: { title: 'Over soon', start: inAnHour(), settings: { reminderMinutesBefore: 0 } } });
  const handle = env.client.workflow.getHandle(created.body.workflowId);
  await waitForPhase(handle, ['waiting']);
  expect((await api.call('POST', `/meetings/${created.body.meeting.id}/cancel`, { token: host.token, body: { reason: 'over' } })).status).toBe(200);
  await waitFor('the cancelled meeting workflow to close', async () => (await handle.describe()).status.name !== 'RUNNING', 30_000);
  const roomName = (await orm.em.fork().findOneOrFail(Room, created.body.meeting.id)).livekitRoomName;
  const now = Math.floor(Date.now() / 1000);
  const late = [
    { event: 'participant_joined', id: 'EV_late_join', createdAt: String(now), room: { name: roomName }, participant: { identity: host.user.id, name: 'Hostile Host' } },
    { event: 'room_finished', id: 'EV_late_finish', createdAt: String(now), room: { name: roomName } },
    { event: 'egress_ended', id: 'EV_late_egress', createdAt: String(now), room: { name: roomName }, egressInfo: { egressId: 'EG_late', roomName } },
  ];
  const statuses = [];
  for (const event of late) statuses.push((await post(JSON.stringify(event))).status);
  expect(statuses).toEqual([204, 204, 204]);

  const liveRoom = (await orm.em.fork().findOneOrFail(Room, meetingId)).livekitRoomName;
  const farFuture = await post(JSON.stringify({ event: 'room_finished', id: 'EV_int64', createdAt: '9223372036854775807', room: { name: liveRoom } }));
  expect([farFuture.status, problemOf(farFuture).code]).toEqual([400, 'invalid_request']);
  expect((await api.call('GET', `/meetings/${meetingId}?live=true`, { token: host.token })).body.live.phase).toBe('waiting');
});
