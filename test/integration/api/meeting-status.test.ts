import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { MeetingEvents, waitForPhase } from '../../../clients/video-events';
import type { MeetingStatus } from '../../../workflows/messages';
import { type ApiStack, signUp, startApiStack, type TestApi } from '../../helpers/api';
import { unique } from '../../helpers/db';
import { waitFor } from '../../helpers/wait';
import { testWorld } from '../../helpers/worker';

let env: TestWorkflowEnvironment;
let stack: ApiStack;
let api: TestApi;
const world = testWorld('api-meeting-status');

beforeAll(async () => {
  stack = await startApiStack(world);
  ({ env, api } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

/** What both answers must agree on (seconds rounded: the row keeps whole seconds). */
const comparable = (status: MeetingStatus) => ({
  ...status,
  participants: status.participants.map(({ identity, present, joinedAt, leftAt, seconds }) => ({ identity, present, joinedAt, leftAt, seconds: Math.round(seconds) })),
});

/** GET /meetings/:id answers from PostgreSQL; ?live=true adds the workflow's own answer. Both, and they must agree. */
async function bothAnswers(id: string, token: string): Promise<{ stored: MeetingStatus; live: MeetingStatus }> {
  const plain = await api.call('GET', `/meetings/${id}`, { token });
  expect(plain.status).toBe(200);
  expect(plain.body).not.toHaveProperty('live');
  const withLive = await api.call('GET', `/meetings/${id}?live=true`, { token });
  expect(withLive.body.status).toEqual(plain.body.status);
  return { stored: plain.body.status, live: withLive.body.live };
}

async function expectAgreement(id: string, token: string, phase: string): Promise<MeetingStatus> {
  const { stored, live } = await bothAnswers(id, token);
  expect(live.phase).toBe(phase);
  expect(comparable(stored)).toEqual(comparable(live));
  return stored;
}

test('after each phase change GET /meetings/:id shows what the workflow shows, without asking it', async () => {
  const host = await signUp(api, 'Pia Phase');
  const guest = await signUp(api, 'Quin Guest');
  const start = new Date(Date.now() + 3_600_000).toISOString();
  const created = await api.call('POST', '/meetings', { token: host.token, body: { title: 'Phase walk', start, invitees: [guest.user.email, 'outside@example.test'], settings: { reminderMinutesBefore: 0 } } });
  const { meeting, workflowId } = created.body;
  const handle = env.client.workflow.getHandle(workflowId);

  await waitForPhase(handle, ['waiting']);
  const waiting = await expectAgreement(meeting.id, host.token, 'waiting');
  expect(waiting.invitations).toEqual([{ email: guest.user.email, userId: guest.user.id, status: 'pending' }, expect.objectContaining({ email: 'outside@example.test', status: 'pending' })]);

  // A reschedule (no phase change) moves the start and the invite sequence; an invitee's answer is a row of its own.
  const soon = new Date(Date.now() + 5000).toISOString();
  expect((await api.call('POST', `/meetings/${meeting.id}/reschedule`, { token: host.token, body: { start: soon } })).status).toBe(200);
  expect(await expectAgreement(meeting.id, host.token, 'waiting')).toMatchObject({ scheduledStart: soon, sequence: 1 });

  await waitForPhase(handle, ['live']);
  expect(await expectAgreement(meeting.id, guest.token, 'live')).toMatchObject({ startedAt: expect.any(String), participants: [] });

  const events = new MeetingEvents(handle);
  await events.join(host.user.id);
  await events.join(guest.user.id);
  const recordingId = unique('EG');
  await events.startRecording(recordingId);
  // Joins are stored by their own activity as they happen, not at a phase change.
  await waitFor('both joins stored', async () => (await bothAnswers(meeting.id, host.token)).stored.participants.length === 2, 20_000);
  await waitFor('the recording stored', async () => (await bothAnswers(meeting.id, host.token)).stored.recordings.length === 1, 20_000);
  const during = await expectAgreement(meeting.id, host.token, 'live');
  expect(during.participants.map((p) => [p.identity, p.present])).toEqual([[host.user.id, true], [guest.user.id, true]]);
  expect(during.recordings).toEqual([{ recordingId, status: 'recording' }]);

  const audio = path.join(world.dataDir, `${recordingId}.ogg`);
  writeFileSync(audio, '');
  writeFileSync(path.join(world.dataDir, `${recordingId}.vtt`), 'WEBVTT\n\n00:00.000 --> 00:10.000\n<v Pia Phase>We decided to walk every phase of this meeting today.\n');
  await events.leave(host.user.id);
  await events.leave(guest.user.id);
  await events.finishRoom();
  await events.finishRecording(recordingId, { filePath: audio });
  await handle.result();

  const done = await expectAgreement(meeting.id, host.token, 'completed');
  expect(done).toMatchObject({ endReason: 'the room closed', outcome: 'summarized 1 recording and delivered the results', summaryId: expect.any(String), endedAt: expect.any(String) });
  expect(done.recordings).toEqual([expect.objectContaining({ recordingId, status: 'completed', summaryId: done.summaryId })]);
  expect(done.participants.every((p) => !p.present && p.leftAt)).toBe(true);
});

test('a cancelled meeting shows its reason from PostgreSQL; ?live must be true or false', async () => {
  const host = await signUp(api, 'Cal Cancel');
  const { meeting, workflowId } = (await api.call('POST', '/meetings', { token: host.token, body: { title: 'Called off', start: new Date(Date.now() + 3_600_000).toISOString() } })).body;
  await waitForPhase(env.client.workflow.getHandle(workflowId), ['waiting']);
  await api.call('POST', `/meetings/${meeting.id}/cancel`, { token: host.token, body: { reason: 'nobody needs it' } });
  expect(await expectAgreement(meeting.id, host.token, 'cancelled')).toMatchObject({ endReason: 'nobody needs it' });
  const bad = await api.call('GET', `/meetings/${meeting.id}?live=yes`, { token: host.token });
  expect(bad.status).toBe(400);
  expect(bad.body.detail).toContain('live is true or false');
});
