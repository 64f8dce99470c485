import { waitForPhase } from '../../../clients/video-events';
import { readChatLog } from '../../../integrations/chat/log';
import { signUp, startApiStack, type ApiStack } from '../../helpers/api';
import { playRecordedMeeting, vttOf } from '../../helpers/meeting';
import { waitFor } from '../../helpers/wait';
import { testWorld, type TestWorld } from '../../helpers/worker';

// The brief before a meeting, on the real stack: the same people met before; what is still open from then, and
// what was decided, reaches the host in the reminder and anyone who was there through GET /meetings/{id}/brief.
let stack: ApiStack;
let world: TestWorld;

beforeAll(async () => {
  world = testWorld('api-brief');
  stack = await startApiStack(world);
}, 120_000);

afterAll(() => stack?.stop());

test('the host gets the brief with the reminder; a newcomer learns nothing of meetings they were not in; done items drop out', async () => {
  const { api, env } = stack;
  const host = await signUp(api, 'Hilda Host');
  const bob = await signUp(api, 'Bob Builder');
  const newcomer = await signUp(api, 'Nina New');
  const due = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  const first = (
    await api.call('POST', '/meetings', { token: host.token, body: { title: 'Weekly sync', start: new Date(Date.now() + 1000).toISOString(), invitees: [bob.user.email], settings: { reminderMinutesBefore: 0 } } })
  ).body;
  await playRecordedMeeting(env.client.workflow.getHandle(first.workflowId), world.dataDir, [{ id: host.user.id }, { id: bob.user.id }], vttOf([
    ['Hilda Host', 'Let us look at the release.'],
    ['Bob Builder', 'We decided to ship the mobile app in March.'],
    ['Bob Builder', `I will write the store listing by ${due}.`],
  ]));

  // The next one, with the same two people and someone new; its reminder goes out a minute before the start.
  const next = (
    await api.call('POST', '/meetings', {
      token: host.token,
      body: { title: 'Weekly sync', start: new Date(Date.now() + 75_000).toISOString(), invitees: [bob.user.email, newcomer.user.email], settings: { reminderMinutesBefore: 1 } },
    })
  ).body;
  // Its invitations are written by its workflow: then its people can see it.
  await waitForPhase(env.client.workflow.getHandle(next.workflowId), ['waiting']);
  const brief = (token: string) => api.call('GET', `/meetings/${next.meeting.id}/brief`, { token });

  const forBob = (await brief(bob.token)).body.brief;
  expect(forBob.earlier).toEqual([{ id: first.meeting.id, title: 'Weekly sync', start: expect.any(String) }]);
  expect(forBob.openItems).toEqual([expect.objectContaining({ title: expect.stringMatching(/write the store listing/i), dueDate: due, assignee: expect.objectContaining({ id: bob.user.id }) })]);
  expect(forBob.lastDecisions.map((decision: { text: string }) => decision.text)).toEqual([expect.stringMatching(/ship the mobile app in March/)]);
  expect((await brief(newcomer.token)).body.brief).toEqual({ earlier: [], openItems: [], lastDecisions: [], openTopics: [], text: '' });

  const reminders = async () => (await readChatLog(world.dataDir)).filter((dm) => dm.key.startsWith('meeting-reminder') || /^Reminder: "Weekly sync"/.test(dm.text));
  await waitFor('the reminders before the second meeting', async () => (await reminders()).length === 3, 90_000, 500);
  const reminderTo = async (email: string) => (await reminders()).find((dm) => dm.to === email)!.text;
  expect(await reminderTo(host.user.email)).toMatch(/Before you start \(from "Weekly sync"\):\nStill open:\n• [^\n]*store listing \(Bob Builder, due \d{4}-\d{2}-\d{2}\)\nDecided last time:\n• [^\n]*mobile app in March/);
  expect(await reminderTo(newcomer.user.email)).not.toMatch(/store listing|mobile app/);
  // The brief is the host's unless the meeting says everyone: Bob's reminder is only the reminder.
  expect(await reminderTo(bob.user.email)).not.toMatch(/Before you start/);

  // Done before the next brief: it is no longer in it.
  const item = forBob.openItems[0];
  expect((await api.call('PATCH', `/action-items/${item.id}`, { token: bob.token, body: { status: 'completed' } })).status).toBe(200);
  expect((await brief(bob.token)).body.brief.openItems).toEqual([]);
  await api.call('POST', `/meetings/${next.meeting.id}/cancel`, { token: host.token, body: { reason: 'test over' } });
}, 240_000);

test('with briefAudience "everyone", each invitee gets their own brief in the reminder, from the meetings they may see', async () => {
  const { api, env } = stack;
  const host = await signUp(api, 'Ulla Host');
  const vic = await signUp(api, 'Vic Veteran');
  const wes = await signUp(api, 'Wes Newcomer');
  const due = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
  const first = (
    await api.call('POST', '/meetings', { token: host.token, body: { title: 'Design review', start: new Date(Date.now() + 1000).toISOString(), invitees: [vic.user.email], settings: { reminderMinutesBefore: 0 } } })
  ).body;
  await playRecordedMeeting(env.client.workflow.getHandle(first.workflowId), world.dataDir, [{ id: host.user.id }, { id: vic.user.id }], vttOf([
    ['Ulla Host', 'Let us review the checkout design.'],
    ['Vic Veteran', 'We decided to drop the coupon field from checkout.'],
    ['Vic Veteran', `I will update the checkout mockups by ${due}.`],
  ]));

  const next = await api.call('POST', '/meetings', {
    token: host.token,
    body: { title: 'Design review', start: new Date(Date.now() + 70_000).toISOString(), invitees: [vic.user.email, wes.user.email], settings: { reminderMinutesBefore: 1, briefAudience: 'everyone' } },
  });
  expect([next.status, next.body.meeting.settings.briefAudience]).toEqual([201, 'everyone']);

  const emails = [host, vic, wes].map((person) => person.user.email);
  const reminders = async () => (await readChatLog(world.dataDir)).filter((dm) => emails.includes(dm.to) && /^Reminder: "Design review"/.test(dm.text));
  await waitFor('the reminders before the second design review', async () => (await reminders()).length === 3, 90_000, 500);
  const reminderTo = async (email: string) => (await reminders()).find((dm) => dm.to === email)!.text;
  const brief = /Before you start \(from "Design review"\):\nStill open:\n• [^\n]*checkout mockups \(Vic Veteran, due \d{4}-\d{2}-\d{2}\)\nDecided last time:\n• [^\n]*coupon field/;
  expect(await reminderTo(host.user.email)).toMatch(brief);
  expect(await reminderTo(vic.user.email)).toMatch(brief);
  // Wes was not at the first review: his reminder tells him nothing of it.
  expect(await reminderTo(wes.user.email)).toMatch(/^Reminder: "Design review" starts at [^\n]*$/);
  await api.call('POST', `/meetings/${next.body.meeting.id}/cancel`, { token: host.token, body: { reason: 'test over' } });
}, 240_000);

test('with briefMinutesBefore, the brief comes in a message of its own at its own time (here with no reminder at all)', async () => {
  const { api, env } = stack;
  const host = await signUp(api, 'Yara Host');
  const zoe = await signUp(api, 'Zoe Regular');
  const otto = await signUp(api, 'Otto Outsider');
  const first = (
    await api.call('POST', '/meetings', { token: host.token, body: { title: 'Retro', start: new Date(Date.now() + 1000).toISOString(), invitees: [zoe.user.email], settings: { reminderMinutesBefore: 0 } } })
  ).body;
  await playRecordedMeeting(env.client.workflow.getHandle(first.workflowId), world.dataDir, [{ id: host.user.id }, { id: zoe.user.id }], vttOf([
    ['Yara Host', 'What went wrong this sprint?'],
    ['Zoe Regular', 'We decided to freeze deploys on Fridays.'],
  ]));

  const next = await api.call('POST', '/meetings', {
    token: host.token,
    body: { title: 'Retro', start: new Date(Date.now() + 70_000).toISOString(), invitees: [zoe.user.email, otto.user.email], settings: { reminderMinutesBefore: 0, briefMinutesBefore: 1, briefAudience: 'everyone' } },
  });
  expect(next.status).toBe(201);
  const emails = [host, zoe, otto].map((person) => person.user.email);
  const notices = async () => (await readChatLog(world.dataDir)).filter((dm) => emails.includes(dm.to) && /^(Brief for|Reminder:) "Retro"/.test(dm.text));
  await waitFor('the briefs before the second retro', async () => (await notices()).length === 2, 90_000, 500);
  const sent = await notices();
  // The host and Zoe have a brief; Otto was at no earlier retro, so he gets none; nobody gets a reminder.
  expect(sent.map((dm) => dm.to).sort()).toEqual([host.user.email, zoe.user.email].sort());
  for (const dm of sent) expect(dm.text).toMatch(/^Brief for "Retro" \(starts at [^\n]*\)\.\n\nBefore you start \(from "Retro"\):\n(.|\n)*Decided last time:\n• [^\n]*freeze deploys on Fridays/);
  await api.call('POST', `/meetings/${next.body.meeting.id}/cancel`, { token: host.token, body: { reason: 'test over' } });
}, 240_000);

test('a brief audience other than host or everyone is a 400 that says which', async () => {
  const host = await signUp(stack.api, 'Xena Typo');
  const refused = await stack.api.call('POST', '/meetings', { token: host.token, body: { title: 'Typo', start: new Date(Date.now() + 3_600_000).toISOString(), settings: { briefAudience: 'all' } } });
  expect(refused.status).toBe(400);
  expect(JSON.stringify(refused.body)).toMatch(/host .*or everyone/);
});
