import type { MikroORM } from '@mikro-orm/postgresql';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { MeetingEvents, waitForPhase } from '../../../clients/video-events';
import { RoomInvitation } from '../../../db/entities';
import { actionItemWorkflowId } from '../../../workflows/ids';
import { statusQuery } from '../../../workflows/messages';
import { type ApiStack, signUp, startApiStack, type TestApi } from '../../helpers/api';
import { unique } from '../../helpers/db';
import { waitFor } from '../../helpers/wait';
import { testWorld } from '../../helpers/worker';

let env: TestWorkflowEnvironment;
let orm: MikroORM;
let stack: ApiStack;
let api: TestApi;
const world = testWorld('api-meetings');

beforeAll(async () => {
  stack = await startApiStack(world);
  ({ env, orm, api } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

async function createMeeting(token: string, body: Record<string, unknown> = {}) {
  return api.call('POST', '/meetings', { token, body: { title: 'Quarterly planning', start: inAnHour(), durationMinutes: 45, ...body } });
}

test('POST /meetings starts the workflow and answers 201 with the meeting and its workflow id', async () => {
  const host = await signUp(api, 'Hana Host');
  const guest = await signUp(api, 'Gus Guest');
  const response = await createMeeting(host.token, { invitees: [guest.user.email, { email: `${unique('ext')}@example.test`, name: 'Ext Ernal' }], tags: ['planning'], settings: { language: 'de' } });
  expect(response.status).toBe(201);
  const { meeting, workflowId } = response.body;
  expect(meeting).toMatchObject({ title: 'Quarterly planning', durationMinutes: 45, tags: ['planning'], hostId: host.user.id, type: 'scheduled' });
  expect(workflowId).toBe(`meeting-${meeting.id}`);
  expect(response.headers.get('location')).toBe(`/meetings/${meeting.id}`);

  const handle = env.client.workflow.getHandle(workflowId);
  await waitForPhase(handle, ['waiting']);
  const detail = await api.call('GET', `/meetings/${meeting.id}`, { token: host.token });
  expect(detail.body.status).toMatchObject({ phase: 'waiting', invitations: [{ email: guest.user.email, status: 'pending' }, { status: 'pending' }] });
  expect(detail.body.meeting.status).toBe('waiting');

  // The invitee sees it too (invited), a stranger does not even learn it exists.
  expect((await api.call('GET', `/meetings/${meeting.id}`, { token: guest.token })).status).toBe(200);
  const stranger = await signUp(api, 'Sam Stranger');
  expect((await api.call('GET', `/meetings/${meeting.id}`, { token: stranger.token })).status).toBe(404);
  expect((await api.call('GET', '/meetings', { token: stranger.token })).body.meetings).toEqual([]);
  await api.call('POST', `/meetings/${meeting.id}/cancel`, { token: host.token, body: { reason: 'test over' } });
});

test('bad meeting requests are 400s that name the fields', async () => {
  const host = await signUp(api, 'Ivy Input');
  const response = await api.call('POST', '/meetings', { token: host.token, body: { title: '', start: '2020-01-01T10:00:00Z', durationMinutes: 0, invitees: ['nobody'], settings: { colour: 'red' } } });
  expect(response.status).toBe(400);
  const fields = response.body.errors.map((f: { field: string }) => f.field);
  expect(fields).toEqual(expect.arrayContaining(['body.title', 'body.start', 'body.durationMinutes', 'body.invitees.0', 'body.settings']));
  expect(response.body.detail).toContain('body.start: start must be in the future');
  const unknownKind = await api.call('POST', '/meetings', { token: host.token, body: { title: 'Brainstorm', start: new Date(Date.now() + 3_600_000).toISOString(), settings: { meetingKind: 'brainstorm' } } });
  expect(unknownKind.status).toBe(400);
  expect(unknownKind.body.detail).toContain('body.settings.meetingKind: must be one of standup, one_on_one, planning, retro, sales_call, interview, general');
});

test('reschedule, then cancel; refusals come back as 409/422 with the reason', async () => {
  const host = await signUp(api, 'Jo Host');
  const guest = await signUp(api, 'Kim Guest');
  const { meeting } = (await createMeeting(host.token, { invitees: [guest.user.email] })).body;
  await waitForPhase(env.client.workflow.getHandle(`meeting-${meeting.id}`), ['waiting']);

  const later = new Date(Date.now() + 7_200_000).toISOString();
  const moved = await api.call('POST', `/meetings/${meeting.id}/reschedule`, { token: host.token, body: { start: later } });
  expect(moved.status).toBe(200);
  expect(moved.body.status).toMatchObject({ scheduledStart: later, sequence: 1 });
  expect((await api.call('GET', `/meetings/${meeting.id}`, { token: host.token })).body.meeting.start).toBe(later);

  const notHost = await api.call('POST', `/meetings/${meeting.id}/reschedule`, { token: guest.token, body: { start: later } });
  expect(notHost.status).toBe(403);
  expect(notHost.body.detail).toMatch(/^only the host \(.+\) can reschedule "/);
  const notLive = await api.call('POST', `/meetings/${meeting.id}/end`, { token: host.token });
  expect(notLive).toMatchObject({ status: 409, body: { code: 'conflict', detail: 'the meeting is waiting: only a live meeting can be ended' } });

  const cancelled = await api.call('POST', `/meetings/${meeting.id}/cancel`, { token: host.token, body: { reason: 'budget frozen' } });
  expect(cancelled.body.status).toMatchObject({ phase: 'cancelled', endReason: 'budget frozen' });
  const again = await api.call('POST', `/meetings/${meeting.id}/cancel`, { token: host.token, body: {} });
  expect(again.status).toBe(409);
  expect(again.body.detail).toMatch(/cancelled|over/);
});

test('GET /meetings lists mine with filters and cursor pagination', async () => {
  const host = await signUp(api, 'Lou Lister');
  const starts = [3, 2, 1].map((hours) => new Date(Date.now() + hours * 3_600_000).toISOString());
  const ids: string[] = [];
  for (const [i, start] of starts.entries()) ids.push((await createMeeting(host.token, { start, title: `M${i}`, tags: i === 1 ? ['special'] : [] })).body.meeting.id);

  const first = await api.call('GET', '/meetings?limit=2', { token: host.token });
  expect(first.body.meetings.map((m: { id: string }) => m.id)).toEqual([ids[0], ids[1]]);
  const second = await api.call('GET', `/meetings?limit=2&cursor=${first.body.nextCursor}`, { token: host.token });
  expect(second.body.meetings.map((m: { id: string }) => m.id)).toEqual([ids[2]]);
  expect(second.body.nextCursor).toBeNull();
  expect((await api.call('GET', '/meetings?tag=special', { token: host.token })).body.meetings.map((m: { id: string }) => m.id)).toEqual([ids[1]]);
  // A list item shows a meeting exactly as its own page does (the list reads plain rows, the page an entity),
  // once the meeting stands still (waiting for its start).
  await waitFor('the meeting to be waiting', async () => (await api.call('GET', `/meetings/${ids[1]}`, { token: host.token })).body.meeting.status === 'waiting', 15_000);
  const detail = await api.call('GET', `/meetings/${ids[1]}`, { token: host.token });
  expect((await api.call('GET', '/meetings?tag=special', { token: host.token })).body.meetings).toEqual([detail.body.meeting]);
  expect(detail.body.meeting).toMatchObject({ title: 'M1', tags: ['special'], start: starts[1], durationMinutes: 45, description: null, startedAt: null });
  expect((await api.call('GET', `/meetings?to=${encodeURIComponent(new Date(Date.now() + 90 * 60_000).toISOString())}`, { token: host.token })).body.meetings.map((m: { id: string }) => m.id)).toEqual([ids[2]]);
  expect((await api.call('GET', '/meetings?cursor=garbage', { token: host.token })).status).toBe(400);
  expect((await api.call('GET', '/meetings?status=dancing', { token: host.token })).status).toBe(400);
  for (const id of ids) await api.call('POST', `/meetings/${id}/cancel`, { token: host.token, body: {} });
});

test('public invitation links: see it, accept it; a bad token is 404', async () => {
  const host = await signUp(api, 'Max Host');
  const email = `${unique('invitee')}@example.test`;
  const { meeting } = (await createMeeting(host.token, { invitees: [email] })).body;
  await waitForPhase(env.client.workflow.getHandle(`meeting-${meeting.id}`), ['waiting']);
  const { token } = await orm.em.fork().findOneOrFail(RoomInvitation, { room: meeting.id });

  const seen = await api.call('GET', `/invitations/${token}`);
  expect(seen.body).toMatchObject({ meeting: { id: meeting.id, title: 'Quarterly planning' }, invitedBy: { name: 'Max Host' }, invitation: { email, status: 'pending' } });
  expect((await api.call('POST', `/invitations/${token}/accept`)).body).toEqual({ invitation: { email, status: 'accepted' } });
  expect((await orm.em.fork().findOneOrFail(RoomInvitation, { token })).status).toBe('accepted');
  expect((await api.call('GET', '/invitations/this-is-not-a-real-token')).status).toBe(404);

  await api.call('POST', `/meetings/${meeting.id}/cancel`, { token: host.token, body: {} });
  expect((await api.call('GET', `/invitations/${token}`)).status).toBe(410);
});

test('after the meeting: transcript, summary, action items, reports, search; completing an item ends its reminder', async () => {
  const host = await signUp(api, 'Nia Host');
  const bob = await signUp(api, 'Bob Builder');
  const start = new Date(Date.now() + 1500).toISOString();
  const { meeting, workflowId } = (await api.call('POST', '/meetings', { token: host.token, body: { title: 'Launch review', start, invitees: [bob.user.email], settings: { reminderMinutesBefore: 0 } } })).body;
  const handle = env.client.workflow.getHandle(workflowId);
  const events = new MeetingEvents(handle);
  await waitForPhase(handle, ['live']);
  await events.join(host.user.id);
  await events.join(bob.user.id);
  const recordingId = unique('EG');
  await events.startRecording(recordingId);
  const audio = path.join(world.dataDir, `${recordingId}.ogg`);
  writeFileSync(audio, '');
  const due = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
  writeFileSync(
    path.join(world.dataDir, `${recordingId}.vtt`),
    `WEBVTT\n\n00:00.000 --> 00:10.000\n<v Nia Host>Welcome to the launch review. The zebra campaign numbers look excellent.\n\n00:10.000 --> 00:20.000\n<v Bob Builder>We decided to launch the zebra campaign in Berlin first.\n\n00:20.000 --> 00:30.000\n<v Bob Builder>I will prepare the press kit by ${due}.\n`,
  );
  await events.leave(host.user.id);
  await events.leave(bob.user.id);
  await events.finishRoom();
  await events.finishRecording(recordingId, { filePath: audio });
  await handle.result();

  const transcript = await api.call('GET', `/meetings/${meeting.id}/transcript?limit=2`, { token: bob.token });
  expect(transcript.body.segments).toHaveLength(2);
  expect(transcript.body.page).toEqual({ offset: 0, limit: 2, total: 3, nextOffset: 2 });
  const summary = await api.call('GET', `/meetings/${meeting.id}/summary`, { token: bob.token });
  expect(summary.body.summary).toMatchObject({ version: 1, generator: 'local', decisions: [expect.objectContaining({ text: expect.stringMatching(/launch the zebra campaign in Berlin/) })] });
  const items = (await api.call('GET', `/meetings/${meeting.id}/action-items`, { token: bob.token })).body.actionItems;
  const pressKit = items.find((item: { title: string }) => /press kit/i.test(item.title));
  expect(pressKit).toMatchObject({ assignee: { id: bob.user.id }, dueDate: due, status: 'open' });

  const mine = await api.call('GET', `/meetings/${meeting.id}/reports/me`, { token: bob.token });
  expect(mine.body.report).toMatchObject({ participant: { userId: bob.user.id }, tasksAssignedCount: 1 });
  expect((await api.call('GET', `/meetings/${meeting.id}/reports`, { token: bob.token })).status).toBe(403);
  expect((await api.call('GET', `/meetings/${meeting.id}/reports`, { token: host.token })).body.reports).toHaveLength(2);

  const found = await api.call('GET', '/search?q=zebra%20campaign', { token: bob.token });
  expect(found.body.results[0]).toMatchObject({ meeting: { id: meeting.id, title: 'Launch review' }, snippet: expect.stringContaining('<mark>') });
  const outsider = await signUp(api, 'Oz Outsider');
  expect((await api.call('GET', '/search?q=zebra%20campaign', { token: outsider.token })).body.results).toEqual([]);
  expect((await api.call('GET', '/search?q=z', { token: bob.token })).status).toBe(400);

  const reminder = env.client.workflow.getHandle(actionItemWorkflowId(pressKit.id));
  expect((await reminder.describe()).status.name).toBe('RUNNING');
  const myOpen = await api.call('GET', '/action-items?status=open', { token: bob.token });
  expect(myOpen.body.actionItems.map((item: { id: string }) => item.id)).toContain(pressKit.id);
  const done = await api.call('PATCH', `/action-items/${pressKit.id}`, { token: bob.token, body: { status: 'completed' } });
  expect(done.body.actionItem).toMatchObject({ status: 'completed', completedAt: expect.any(String) });
  expect(await reminder.result()).toMatchObject({ outcome: 'closed' });
  expect((await api.call('PATCH', `/action-items/${pressKit.id}`, { token: outsider.token, body: { status: 'open' } })).status).toBe(404);
  expect((await api.call('PATCH', `/action-items/${pressKit.id}`, { token: bob.token, body: {} })).status).toBe(400);

  const notes = await api.call('GET', '/notifications?unread=true', { token: bob.token });
  expect(notes.body.notifications.map((n: { type: string }) => n.type)).toEqual(expect.arrayContaining(['meeting_summary', 'meeting_invite']));
  const first = notes.body.notifications[0];
  expect((await api.call('POST', `/notifications/${first.id}/read`, { token: bob.token })).body.notification.isRead).toBe(true);
  expect((await api.call('POST', '/notifications/read-all', { token: bob.token })).body.marked).toBe(notes.body.notifications.length - 1);
  expect((await api.call('GET', '/notifications?unread=true', { token: bob.token })).body.notifications).toEqual([]);
  expect((await handle.query(statusQuery)).phase).toBe('completed');
});

test('/openapi.json describes every route', async () => {
  const spec = (await api.call('GET', '/openapi.json')).body;
  expect(spec.openapi).toBe('3.1.0');
  expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/auth/login', '/meetings', '/meetings/{id}/reschedule', '/invitations/{token}/accept', '/action-items/{id}', '/search']));
  expect(spec.paths['/meetings'].post.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['title', 'start']));
});

test('the search query is answered from the GIN index on transcripts.search_vector', async () => {
  // em.execute runs on the transaction's own connection: `set local` only holds there, and a statement sent
  // through em.getConnection() without the transaction context may get another pooled connection.
  const { plan, setting } = await orm.em.fork().transactional(async (em) => {
    await em.execute('set local enable_seqscan = off');
    const rows = await em.execute<{ 'QUERY PLAN': string }[]>(
      `explain select t.id from transcripts t where t.search_vector @@ websearch_to_tsquery('english', 'zebra campaign')`,
    );
    const [shown] = await em.execute<{ enable_seqscan: string }[]>('show enable_seqscan');
    return { plan: rows.map((row) => row['QUERY PLAN']).join('\n'), setting: shown.enable_seqscan };
  });
  // Had the statements gone to different pooled connections, the setting would read 'on' here.
  expect(setting).toBe('off');
  expect(plan).toContain('transcripts_search_vector_gin');
});
