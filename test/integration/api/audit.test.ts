import type { MikroORM } from '@mikro-orm/postgresql';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { waitForPhase } from '../../../clients/video-events';
import { AuditEvent, Transcript, User } from '../../../db/entities';
import { type ApiStack, signUp, startApiStack, type TestApi } from '../../helpers/api';
import { unique } from '../../helpers/db';
import { playRecordedMeeting, vttOf } from '../../helpers/meeting';
import { testWorld } from '../../helpers/worker';

let env: TestWorkflowEnvironment;
let orm: MikroORM;
let stack: ApiStack;
let api: TestApi;
const world = testWorld('api-audit');

beforeAll(async () => {
  stack = await startApiStack(world);
  ({ env, orm, api } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

const PASSWORD = 'correct horse battery';
const auditOf = (actorId: string) => orm.em.fork().find(AuditEvent, { actor: actorId }, { orderBy: [{ occurredAt: 'asc' }, { action: 'asc' }] });

async function signUpAdmin() {
  const admin = await signUp(api, 'Ada Admin');
  await orm.em.fork().nativeUpdate(User, admin.user.id, { role: 'admin' });
  return admin;
}

test('sign-ins, failed sign-ins and session revocations are audited with where they came from', async () => {
  const { user, token: firstToken } = await signUp(api, 'Sia Signin');
  const headers = { 'user-agent': 'audit-test/1.0', 'x-request-id': unique('req-signin') };
  expect((await api.call('POST', '/auth/login', { body: { email: user.email, password: 'wrong password!' } })).status).toBe(401);
  const ghost = `${unique('ghost')}@example.test`;
  expect((await api.call('POST', '/auth/login', { body: { email: ghost, password: 'wrong password!' } })).status).toBe(401);
  const login = await api.call('POST', '/auth/login', { body: { email: user.email, password: PASSWORD }, headers });
  expect(login.status).toBe(200);
  const sessions = (await api.call('GET', '/auth/sessions', { token: login.body.token })).body.sessions;
  const first = sessions.find((session: { current: boolean }) => !session.current);
  expect((await api.call('DELETE', `/auth/sessions/${first.id}`, { token: login.body.token })).status).toBe(204);
  expect((await api.call('POST', '/auth/logout', { token: login.body.token })).status).toBe(204);
  expect((await api.call('GET', '/auth/me', { token: firstToken })).status).toBe(401);

  const events = await auditOf(user.id);
  expect(events.map((event) => event.action)).toEqual(['auth.register', 'auth.sign_in_failed', 'auth.sign_in', 'session.revoke', 'session.revoke']);
  const signIn = events[2];
  expect(signIn).toMatchObject({ actorLabel: user.email, targetType: 'user', targetId: user.id, source: 'api', userAgent: 'audit-test/1.0', requestId: headers['x-request-id'] });
  expect(signIn.ipAddress).toMatch(/127\.0\.0\.1/);
  expect(events[1].details).toEqual({ email: user.email, reason: 'wrong email or password' });
  expect(events[3]).toMatchObject({ targetType: 'session', targetId: first.id });

  // An unknown email has no user row to point at: the row keeps what was typed.
  const unknown = await orm.em.fork().find(AuditEvent, { actorLabel: ghost });
  expect(unknown.map((event) => [event.action, event.actor])).toEqual([['auth.sign_in_failed', null]]);
});

test('meeting changes, reads of transcripts, summaries and reports, and action item changes are audited', async () => {
  const host = await signUp(api, 'Hal Host');
  const guest = await signUp(api, 'Gia Guest');
  const later = (await api.call('POST', '/meetings', { token: host.token, body: { title: 'Budget', start: new Date(Date.now() + 3_600_000).toISOString(), invitees: [guest.user.email] } })).body;
  await waitForPhase(env.client.workflow.getHandle(later.workflowId), ['waiting']);
  const moved = new Date(Date.now() + 7_200_000).toISOString();
  expect((await api.call('POST', `/meetings/${later.meeting.id}/reschedule`, { token: host.token, body: { start: moved } })).status).toBe(200);
  expect((await api.call('POST', `/meetings/${later.meeting.id}/cancel`, { token: host.token, body: { reason: 'no budget' } })).status).toBe(200);

  const now = (await api.call('POST', '/meetings', { token: host.token, body: { title: 'Retro', start: new Date(Date.now() + 1500).toISOString(), invitees: [guest.user.email], settings: { reminderMinutesBefore: 0 } } })).body;
  const due = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  await playRecordedMeeting(
    env.client.workflow.getHandle(now.workflowId),
    world.dataDir,
    [{ id: host.user.id }, { id: guest.user.id }],
    vttOf([
      ['Hal Host', 'Welcome to the retro. The deploys went well this sprint.'],
      ['Gia Guest', `I will fix the flaky login test by ${due}.`],
    ]),
  );
  const id = now.meeting.id;
  expect((await api.call('GET', `/meetings/${id}/transcript`, { token: guest.token })).status).toBe(200);
  expect((await api.call('GET', `/meetings/${id}/summary`, { token: guest.token })).status).toBe(200);
  expect((await api.call('GET', `/meetings/${id}/reports/me`, { token: guest.token })).status).toBe(200);
  expect((await api.call('GET', `/meetings/${id}/reports`, { token: host.token })).status).toBe(200);
  const [item] = (await api.call('GET', `/meetings/${id}/action-items`, { token: guest.token })).body.actionItems;
  expect((await api.call('PATCH', `/action-items/${item.id}`, { token: guest.token, body: { status: 'completed' } })).status).toBe(200);

  const hostActs = (await auditOf(host.user.id)).map((event) => [event.action, event.targetId]);
  expect(hostActs).toEqual([
    ['auth.register', host.user.id],
    ['meeting.create', later.meeting.id],
    ['meeting.reschedule', later.meeting.id],
    ['meeting.cancel', later.meeting.id],
    ['meeting.create', id],
    ['report.read', id],
  ]);
  const guestEvents = await auditOf(guest.user.id);
  expect(guestEvents.map((event) => event.action)).toEqual(['auth.register', 'transcript.read', 'summary.read', 'report.read', 'action_item.update']);
  expect(guestEvents[4]).toMatchObject({ targetType: 'action_item', targetId: item.id, details: { meetingId: id, changes: { status: 'completed' } } });
  const reschedule = (await auditOf(host.user.id))[2];
  expect(reschedule.details).toMatchObject({ to: moved, from: expect.any(String) });

  // After the retention policy emptied the transcript, it answers 410 with why; the summary is still there.
  await orm.em.fork().nativeUpdate(Transcript, { room: id }, { text: '', segments: [], purgedAt: new Date() });
  const gone = await api.call('GET', `/meetings/${id}/transcript`, { token: guest.token });
  expect([gone.status, gone.body.detail]).toEqual([410, expect.stringContaining('removed on')]);
  expect(gone.body.detail).toContain('TRANSCRIPT_RETENTION_DAYS');
  expect((await api.call('GET', `/meetings/${id}/summary`, { token: guest.token })).status).toBe(200);
});

test('GET /admin/audit is for administrators only: filters, pages, and is itself audited', async () => {
  const someone = await signUp(api, 'Reg User');
  expect((await api.call('GET', '/admin/audit')).status).toBe(401);
  const refused = await api.call('GET', '/admin/audit', { token: someone.token });
  expect([refused.status, refused.body.code]).toEqual([403, 'forbidden']);

  const admin = await signUpAdmin();
  for (let i = 0; i < 3; i += 1) await api.call('POST', '/auth/login', { body: { email: someone.user.email, password: PASSWORD } });
  const firstPage = await api.call('GET', `/admin/audit?actor=${someone.user.id}&limit=2`, { token: admin.token });
  expect(firstPage.status).toBe(200);
  expect(firstPage.body.events).toHaveLength(2);
  expect(firstPage.body.events[0]).toMatchObject({ actor: { id: someone.user.id, label: someone.user.email }, action: 'auth.sign_in', source: 'api' });
  const secondPage = await api.call('GET', `/admin/audit?actor=${someone.user.id}&limit=2&cursor=${firstPage.body.nextCursor}`, { token: admin.token });
  const all = [...firstPage.body.events, ...secondPage.body.events].map((event: { action: string }) => event.action);
  expect(all).toEqual(['auth.sign_in', 'auth.sign_in', 'auth.sign_in', 'auth.register']);
  expect(secondPage.body.nextCursor).toBeNull();

  const onlyRegistrations = await api.call('GET', `/admin/audit?action=auth.register&actor=${someone.user.id}`, { token: admin.token });
  expect(onlyRegistrations.body.events.map((event: { action: string }) => event.action)).toEqual(['auth.register']);
  const bad = await api.call('GET', '/admin/audit?action=launch.missiles&from=yesterday', { token: admin.token });
  expect(bad.status).toBe(400);
  expect(bad.body.detail).toContain('query.action');
  expect(bad.body.detail).toContain('from must be an ISO 8601 date and time');

  const reads = await orm.em.fork().find(AuditEvent, { actor: admin.user.id, action: 'audit.read' });
  expect(reads).toHaveLength(3);
  expect(await orm.em.fork().count(AuditEvent, { actor: someone.user.id, action: 'audit.read' })).toBe(0);
});
