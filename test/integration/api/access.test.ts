import type { MikroORM } from '@mikro-orm/postgresql';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { User } from '../../../db/entities';
import { type ApiStack, signUp, startApiStack, type TestApi } from '../../helpers/api';
import { playRecordedMeeting, vttOf } from '../../helpers/meeting';
import { testWorld } from '../../helpers/worker';

// Who may see and do what, for every endpoint that takes an id: host, participant, invitee, admin, outsider.
let env: TestWorkflowEnvironment;
let orm: MikroORM;
let stack: ApiStack;
let api: TestApi;
const world = testWorld('api-access');
type Role = 'host' | 'participant' | 'invitee' | 'admin' | 'outsider';
const tokens = {} as Record<Role, string>;
let meetingId: string;
let participantItemId: string;
let otherMeetingId: string;

beforeAll(async () => {
  stack = await startApiStack(world);
  ({ env, orm, api } = stack);
  const people = {} as Record<Role, { token: string; user: { id: string; email: string; name: string } }>;
  for (const [role, name] of [['host', 'Hope Host'], ['participant', 'Pat Part'], ['invitee', 'Ivo Invited'], ['admin', 'Ada Admin'], ['outsider', 'Otto Out']] as const) {
    people[role] = await signUp(api, name);
    tokens[role] = people[role].token;
  }
  await orm.em.fork().nativeUpdate(User, people.admin.user.id, { role: 'admin' });

  const created = await api.call('POST', '/meetings', {
    token: tokens.host,
    body: { title: 'Access matrix', start: new Date(Date.now() + 1000).toISOString(), invitees: [people.participant.user.email, people.invitee.user.email], settings: { reminderMinutesBefore: 0 } },
  });
  meetingId = created.body.meeting.id;
  const vtt = vttOf([
    ['Hope Host', 'Welcome. We agreed to ship the access checks this week.'],
    ['Pat Part', 'I will write the audit report by Friday.'],
  ]);
  await playRecordedMeeting(env.client.workflow.getHandle(created.body.workflowId), world.dataDir, [people.host.user, people.participant.user], vtt);
  const items = (await api.call('GET', `/meetings/${meetingId}/action-items`, { token: tokens.host })).body.actionItems;
  participantItemId = items.find((item: { assignee: { id: string } | null }) => item.assignee?.id === people.participant.user.id).id;
  otherMeetingId = (await api.call('POST', '/meetings', { token: tokens.outsider, body: { title: 'Not yours', start: new Date(Date.now() + 3_600_000).toISOString() } })).body.meeting.id;
}, 60_000);

afterAll(async () => {
  await api?.call('POST', `/meetings/${otherMeetingId}/cancel`, { token: tokens.outsider, body: {} });
  await stack?.stop();
});

const READS = ['', '/participants', '/recordings', '/transcript', '/summary', '/action-items'];

test.each(READS)('GET /meetings/{id}%s: host, participant, invitee and admin see it; an outsider gets 404', async (suffix) => {
  const statuses = Object.fromEntries(await Promise.all((Object.keys(tokens) as Role[]).map(async (role) => [role, (await api.call('GET', `/meetings/${meetingId}${suffix}`, { token: tokens[role] })).status])));
  expect(statuses).toEqual({ host: 200, participant: 200, invitee: 200, admin: 200, outsider: 404 });
});

test("everyone's reports: host and admin; participants are told only the host may; outsiders get 404", async () => {
  const statuses = Object.fromEntries(await Promise.all((Object.keys(tokens) as Role[]).map(async (role) => [role, (await api.call('GET', `/meetings/${meetingId}/reports`, { token: tokens[role] })).status])));
  expect(statuses).toEqual({ host: 200, participant: 403, invitee: 403, admin: 200, outsider: 404 });
});

test('my report: the participant has one, the invitee who never joined has none, the outsider gets 404', async () => {
  expect((await api.call('GET', `/meetings/${meetingId}/reports/me`, { token: tokens.participant })).body.report.participant.name).toBe('Pat Part');
  expect((await api.call('GET', `/meetings/${meetingId}/reports/me`, { token: tokens.invitee })).status).toBe(404);
  expect((await api.call('GET', `/meetings/${meetingId}/reports/me`, { token: tokens.outsider })).status).toBe(404);
});

test.each(['reschedule', 'cancel', 'end'])('POST /meetings/{id}/%s: only the host (or an admin) may; others 403, outsiders 404', async (action) => {
  const body = action === 'reschedule' ? { start: new Date(Date.now() + 3_600_000).toISOString() } : {};
  const answer = async (role: Role) => (await api.call('POST', `/meetings/${meetingId}/${action}`, { token: tokens[role], body })).status;
  expect({ participant: await answer('participant'), invitee: await answer('invitee'), outsider: await answer('outsider') }).toEqual({ participant: 403, invitee: 403, outsider: 404 });
  // The meeting is completed: the host and the admin are allowed, and told it is too late.
  expect([await answer('host'), await answer('admin')]).toEqual([409, 409]);
});

test("PATCH /action-items/{id}: the assignee and the host may; an invitee may not; an outsider gets 404", async () => {
  const patch = (role: Role, priority: string) => api.call('PATCH', `/action-items/${participantItemId}`, { token: tokens[role], body: { priority } });
  expect((await patch('outsider', 'low')).status).toBe(404);
  expect((await patch('invitee', 'low')).status).toBe(403);
  expect((await patch('participant', 'high')).body.actionItem.priority).toBe('high');
  expect((await patch('host', 'urgent')).body.actionItem.priority).toBe('urgent');
});

test("someone else's meeting is 404 on every id route, the same as a missing one", async () => {
  for (const suffix of READS) {
    const theirs = await api.call('GET', `/meetings/${otherMeetingId}${suffix}`, { token: tokens.host });
    const missing = await api.call('GET', `/meetings/00000000-0000-4000-8000-000000000000${suffix}`, { token: tokens.host });
    expect([theirs.status, theirs.body.code]).toEqual([404, 'not_found']);
    expect(missing.status).toBe(404);
  }
  expect((await api.call('GET', '/meetings/not-a-uuid', { token: tokens.host })).status).toBe(404);
});
