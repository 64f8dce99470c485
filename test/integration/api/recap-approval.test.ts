import type { WorkflowHandle } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { MeetingEvents, waitForPhase } from '../../../clients/video-events';
import { ActionItem, AuditEvent, MeetingSummary } from '../../../db/entities';
import { readChatLog } from '../../../integrations/chat/log';
import { recordingWorkflowId } from '../../../workflows/ids';
import type { MeetingStatus } from '../../../workflows/messages';
import { signUp, startApiStack, type ApiStack } from '../../helpers/api';
import { unique } from '../../helpers/db';
import { vttOf } from '../../helpers/meeting';
import { ROOT } from '../../helpers/temporal';
import { waitFor } from '../../helpers/wait';
import { testWorld, type TestWorld } from '../../helpers/worker';

// The host's approval on the real stack (Temporal dev server, PostgreSQL, the API over HTTP, the worker): nobody
// but the host hears of the recap until the host approves, edits or discards it through the API.
let stack: ApiStack;
let world: TestWorld;

beforeAll(async () => {
  world = testWorld('api-recap-approval');
  stack = await startApiStack(world);
}, 120_000);

afterAll(() => stack?.stop());

type Person = Awaited<ReturnType<typeof signUp>>;

/** The people join, a recording with this transcript runs, everyone leaves: processing starts (and, here, waits). */
async function playMeeting(handle: WorkflowHandle, people: Person[], lines: [string, string][]): Promise<void> {
  const events = new MeetingEvents(handle);
  await waitForPhase(handle, ['live']);
  for (const person of people) await events.join(person.user.id);
  const recordingId = unique('EG');
  await events.startRecording(recordingId);
  const audio = path.join(world.dataDir, `${recordingId}.ogg`);
  writeFileSync(audio, '');
  writeFileSync(path.join(world.dataDir, `${recordingId}.vtt`), vttOf(lines));
  for (const person of people) await events.leave(person.user.id);
  await events.finishRoom();
  await events.finishRecording(recordingId, { filePath: audio });
}

/** A meeting with approval on, played until its recap awaits the host. */
async function meetingAwaitingApproval(host: Person, guest: Person) {
  const { api, env } = stack;
  const created = await api.call('POST', '/meetings', {
    token: host.token,
    body: { title: 'Launch review', start: new Date(Date.now() + 1000).toISOString(), invitees: [guest.user.email], settings: { reminderMinutesBefore: 0, approval: 'on' } },
  });
  expect(created.status).toBe(201);
  const handle = env.client.workflow.getHandle(created.body.workflowId);
  await playMeeting(handle, [host, guest], [
    [host.user.name, 'We agreed to launch the new pricing page on Monday.'],
    [guest.user.name, 'I will write the release notes by Friday.'],
  ]);
  const id = created.body.meeting.id as string;
  await waitFor('the recap to await its host', async () => (await api.call('GET', `/meetings/${id}/recap`, { token: host.token })).body?.recap?.state === 'awaiting', 60_000, 300);
  // The recap is stored as awaiting before its draft DM goes out (so Edit works the moment the DM arrives): the DM
  // may still be on its way here.
  await waitFor('the draft DM to reach the host', async () => (await dmsTo(host.user.email)).some((dm) => dm.key.startsWith('recap-draft:')), 15_000);
  return { id, handle };
}

/** `RECORD_HISTORIES=1 npx jest recap-approval` refreshes the histories test/workflows/replay.test.ts replays. */
function recordHistory(workflowId: string, name: string): void {
  if (!process.env.RECORD_HISTORIES) return;
  const cli = path.join(ROOT, '.tools', 'venv', 'bin', 'temporal');
  const json = execFileSync(cli, ['workflow', 'show', '--workflow-id', workflowId, '--output', 'json', '--address', process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233']);
  writeFileSync(path.join(ROOT, 'test', 'workflows', 'histories', `${name}.json`), json);
}

const dmsTo = async (email: string) => (await readChatLog(world.dataDir)).filter((dm) => dm.to === email);
const recapsTo = async (email: string) => (await dmsTo(email)).filter((dm) => dm.key.startsWith('results:'));

test('approval on: only the host gets the draft; others are refused it; approving sends everyone the recap once', async () => {
  const { api } = stack;
  const host = await signUp(api, 'Hana Host');
  const guest = await signUp(api, 'Gus Guest');
  const stranger = await signUp(api, 'Sam Stranger');
  const { id, handle } = await meetingAwaitingApproval(host, guest);

  const drafts = (await dmsTo(host.user.email)).filter((dm) => dm.key.startsWith('recap-draft:'));
  expect(drafts).toHaveLength(1);
  expect(drafts[0].text).toMatch(/Draft recap of "Launch review"/);
  expect(drafts[0].text).toMatch(/release notes \(Gus Guest/);
  expect(await recapsTo(host.user.email)).toEqual([]);
  expect(await recapsTo(guest.user.email)).toEqual([]);

  const recap = (await api.call('GET', `/meetings/${id}/recap`, { token: host.token })).body.recap;
  expect(recap).toMatchObject({ state: 'awaiting', releaseAt: null, summary: { version: 1, editedBy: null } });
  expect(recap.actionItems).toEqual([expect.objectContaining({ title: expect.stringMatching(/release notes/i), assignee: { id: guest.user.id, name: 'Gus Guest' } })]);

  // A participant is told it is the host's; someone outside the meeting learns nothing of it; the draft is not published.
  const byGuest = await api.call('GET', `/meetings/${id}/recap`, { token: guest.token });
  expect(byGuest.status).toBe(403);
  expect(byGuest.body.detail).toMatch(/only the host \(Hana Host\)/);
  expect((await api.call('POST', `/meetings/${id}/recap/approve`, { token: guest.token })).status).toBe(403);
  expect((await api.call('GET', `/meetings/${id}/recap`, { token: stranger.token })).status).toBe(404);
  expect((await api.call('GET', `/meetings/${id}/summary`, { token: guest.token })).status).toBe(404);
  // The draft's task is not the guest's yet: not among their items, nor in the host's list by person, until approved.
  const guestItems = async () => ((await api.call('GET', '/action-items?status=open', { token: guest.token })).body.actionItems as { meetingId: string; title: string }[]).filter((item) => item.meetingId === id);
  expect(await guestItems()).toEqual([]);

  const approved = await api.call('POST', `/meetings/${id}/recap/approve`, { token: host.token });
  expect(approved.status).toBe(200);
  expect(approved.body.recap).toMatchObject({ state: 'approved' });
  const again = await api.call('POST', `/meetings/${id}/recap/approve`, { token: host.token });
  expect(again.status).toBe(409);
  expect(again.body.detail).toMatch(/nothing awaits approval/);

  const final = (await handle.result()) as MeetingStatus;
  expect(final.phase).toBe('completed');
  expect(final.outcome).toBe('summarized 1 recording and delivered the results');
  expect(await recapsTo(guest.user.email)).toHaveLength(1);
  expect(await recapsTo(host.user.email)).toHaveLength(1);
  expect((await api.call('GET', `/meetings/${id}/summary`, { token: guest.token })).status).toBe(200);
  expect(await guestItems()).toEqual([expect.objectContaining({ title: expect.stringMatching(/release notes/i) })]);
  expect((await api.call('POST', `/meetings/${id}/recap/approve`, { token: host.token })).status).toBe(409);
  const audit = await stack.orm.em.fork().find(AuditEvent, { action: 'recap.approve', targetId: id });
  expect(audit).toHaveLength(1);
});

test('a discarded recap reaches no participant, and the meeting says so', async () => {
  const { api } = stack;
  const host = await signUp(api, 'Dora Host');
  const guest = await signUp(api, 'Dan Guest');
  const { id, handle } = await meetingAwaitingApproval(host, guest);

  const discarded = await api.call('POST', `/meetings/${id}/recap/discard`, { token: host.token });
  expect(discarded.status).toBe(200);
  expect(discarded.body.recap).toMatchObject({ state: 'discarded' });
  const final = (await handle.result()) as MeetingStatus;
  expect(final.phase).toBe('completed');
  expect(final.outcome).toBe('summarized 1 recording and the host discarded the recap: no participant was sent it');
  expect(await recapsTo(guest.user.email)).toEqual([]);
  expect(await recapsTo(host.user.email)).toEqual([]);
  expect((await api.call('GET', `/meetings/${id}/recap`, { token: host.token })).body.recap.state).toBe('discarded');
  expect((await api.call('GET', `/meetings/${id}/summary`, { token: guest.token })).status).toBe(404);
  // The draft's task for the guest went nowhere: it is not among their open items.
  const draftItems = await stack.orm.em.fork().find(ActionItem, { room: id }, { populate: ['assignedTo'] });
  expect(draftItems.map((item) => [item.assignedTo?.name, item.status])).toEqual([['Dan Guest', 'cancelled']]);
  const open = (await api.call('GET', '/action-items?status=open', { token: guest.token })).body.actionItems;
  expect(open.filter((item: { meetingId: string }) => item.meetingId === id)).toEqual([]);
});

test('an edit is a new summary version with its editor, and that version is what people get', async () => {
  const { api } = stack;
  const host = await signUp(api, 'Edna Host');
  const guest = await signUp(api, 'Ed Guest');
  const { id, handle } = await meetingAwaitingApproval(host, guest);

  const empty = await api.call('PUT', `/meetings/${id}/recap`, { token: host.token, body: {} });
  expect(empty.status).toBe(400);
  expect(JSON.stringify(empty.body)).toMatch(/at least one of executiveSummary, decisions, actionItems/);
  const badDate = await api.call('PUT', `/meetings/${id}/recap`, { token: host.token, body: { actionItems: [{ title: 'Ship', dueDate: 'Friday' }] } });
  expect(badDate.status).toBe(400);
  expect(JSON.stringify(badDate.body)).toMatch(/YYYY-MM-DD/);

  const edited = await api.call('PUT', `/meetings/${id}/recap`, {
    token: host.token,
    body: { executiveSummary: 'Pricing page launches Monday; Ed owns the release notes.', decisions: ['Launch the pricing page on Monday'], actionItems: [{ title: 'Write the release notes', assigneeId: guest.user.id, dueDate: '2027-01-08' }] },
  });
  expect(edited.status).toBe(200);
  expect(edited.body.recap.state).toBe('approved');
  const final = (await handle.result()) as MeetingStatus;
  await recordHistory(handle.workflowId, 'recap-edited-meeting');
  await recordHistory(recordingWorkflowId(id, final.recordings[0].recordingId), 'recap-edited-pipeline');

  const summaries = await stack.orm.em.fork().find(MeetingSummary, { room: id }, { populate: ['editedBy'], orderBy: { version: 'asc' } });
  expect(summaries.map((s) => [s.version, s.editedBy?.name ?? null, s.approvalState])).toEqual([
    [1, null, 'approved'],
    [2, 'Edna Host', 'approved'],
  ]);
  const recap = (await api.call('GET', `/meetings/${id}/recap`, { token: host.token })).body.recap;
  expect(recap).toMatchObject({ state: 'approved', summary: { version: 2, executiveSummary: 'Pricing page launches Monday; Ed owns the release notes.', decisions: ['Launch the pricing page on Monday'], editedBy: { id: host.user.id, name: 'Edna Host' } } });
  expect(recap.actionItems).toEqual([expect.objectContaining({ title: 'Write the release notes', dueDate: '2027-01-08', assignee: { id: guest.user.id, name: 'Ed Guest' } })]);
  const [dm] = await recapsTo(guest.user.email);
  expect(dm.key).toBe(`results:${summaries[1].id}:${guest.user.id}`);
  expect(dm.text).toContain('Pricing page launches Monday; Ed owns the release notes.');
  expect(dm.text).toContain('Write the release notes, due 2027-01-08');
  expect((await api.call('GET', `/meetings/${id}/summary`, { token: guest.token })).body.summary.version).toBe(2);
});

test('settings.approval and approvalAutoReleaseMinutes are checked, with a message that says what to send', async () => {
  const { api } = stack;
  const host = await signUp(api, 'Vera Host');
  const start = new Date(Date.now() + 3_600_000).toISOString();
  const wrong = await api.call('POST', '/meetings', { token: host.token, body: { title: 'x', start, settings: { approval: 'yes' } } });
  expect(wrong.status).toBe(400);
  expect(JSON.stringify(wrong.body)).toMatch(/approval is \\"on\\"/);
  const negative = await api.call('POST', '/meetings', { token: host.token, body: { title: 'x', start, settings: { approval: 'on', approvalAutoReleaseMinutes: -5 } } });
  expect(negative.status).toBe(400);
  expect(JSON.stringify(negative.body)).toMatch(/approvalAutoReleaseMinutes is 0 \(never\) or more/);
  const notYet = await api.call('POST', '/meetings', { token: host.token, body: { title: 'Later', start, settings: { approval: 'on', approvalAutoReleaseMinutes: 60 } } });
  expect(notYet.status).toBe(201);
  const early = await api.call('POST', `/meetings/${notYet.body.meeting.id}/recap/approve`, { token: host.token });
  expect(early.status).toBe(409);
  expect(early.body.detail).toMatch(/nothing awaits approval/);
  await api.call('POST', `/meetings/${notYet.body.meeting.id}/cancel`, { token: host.token, body: { reason: 'test over' } });
});
