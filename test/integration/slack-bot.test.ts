import type { MikroORM } from '@mikro-orm/postgresql';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ActionItem, AuditEvent, MeetingSummary, Recording, Room, RoomInvitation, Transcript, User, type RoomEntity } from '../../db/entities';
import { createAnswerer } from '../../integrations';
import { ACTIONS } from '../../integrations/chat/slack-blocks';
import { cancelUpdate, statusQuery } from '../../workflows/messages';
import { waitForPhase } from '../../clients/video-events';
import { startFakeAnthropic, textAnswer } from '../fakes/anthropic';
import type { FakeSlackApi } from '../fakes/slack-api';
import { apiDeps, startApi } from '../helpers/api';
import { unique } from '../helpers/db';
import { buttonBody, commandBody, eventBody, payloadBody, responsePosted, slackHeaders, startSlackBot, startSlackBotStack, type SlackBotStack } from '../helpers/slack';
import type { TestWorld, WorkerStack } from '../helpers/worker';

// Bolt runs for real and receives requests signed and encoded exactly as Slack sends them; its Web API
// client (and the worker's Slack DMs) talk to a Slack API stand-in.
const SECRET = 'slack-signing-secret-for-tests';
let env: TestWorkflowEnvironment;
let orm: MikroORM;
let stack: WorkerStack;
let slack: FakeSlackApi;
let bots: SlackBotStack;
let botUrl: string;
let world: TestWorld;

beforeAll(async () => {
  bots = await startSlackBotStack('slack-bot', SECRET);
  ({ slack, world, stack, botUrl } = bots);
  ({ env, orm } = stack);
});

afterAll(() => bots?.stop());

function slackPerson(name: string, tz = 'Europe/Berlin') {
  const id = unique('U').toUpperCase().replace(/-/g, '');
  slack.addUser({ id, name: name.toLowerCase(), real_name: name, tz, email: `${id.toLowerCase()}@example.test` });
  return { id, name, email: `${id.toLowerCase()}@example.test` };
}

async function post(body: string, headers = slackHeaders(body, SECRET), url = botUrl) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
  return response.status;
}

/** Sends `/meet <text>` as `userId` and returns the ephemeral reply Bolt posted to the response URL. */
async function meet(userId: string, text: string, url = botUrl): Promise<{ text: string; blocks?: any[]; response_type: string }> {
  const id = unique('r');
  const body = commandBody({ text, userId, responseUrl: slack.responseUrl(id) });
  expect(await post(body, slackHeaders(body, SECRET), url)).toBe(200);
  return responsePosted(slack, id);
}

async function click(userId: string, actionId: string, value: string) {
  const id = unique('r');
  expect(await post(buttonBody({ actionId, value, userId, responseUrl: slack.responseUrl(id) }))).toBe(200);
  return responsePosted(slack, id);
}


test('/meet and /meet help explain the commands', async () => {
  const ana = slackPerson('Ana Help');
  for (const text of ['', 'help']) {
    const answer = await meet(ana.id, text);
    expect(answer.response_type).toBe('ephemeral');
    expect(answer.text).toContain('/meet schedule <title> <when>');
  }
  expect((await meet(ana.id, 'dance')).text).toMatch(/I don't know `\/meet dance`/);
});

test('/meet schedule: parsed in the caller\'s zone, invitees by mention and email, Slack users created, invite DMs with RSVP buttons', async () => {
  const host = slackPerson('Hanna Host', 'America/New_York');
  const guest = slackPerson('Gustav Guest', 'Europe/Berlin');
  const teammate = slackPerson('Tia Team');
  const groupId = `S${Date.now()}`;
  slack.addUserGroup(groupId, [teammate.id, guest.id]);
  const answer = await meet(host.id, `schedule Budget review tomorrow 3pm for 45m with <@${guest.id}|gustav> <!subteam^${groupId}|@team> carol-${Date.now()}@example.test #finance`);
  expect(answer.response_type).toBe('ephemeral');
  expect(answer.text).toMatch(/^Scheduled "Budget review" for .* (EST|GMT-5)/);
  expect(JSON.stringify(answer.blocks)).toContain('Gustav Guest');
  expect(JSON.stringify(answer.blocks)).toContain('Tia Team');

  const hostUser = await orm.em.fork().findOneOrFail(User, { oauthProvider: 'slack', oauthId: host.id });
  expect([hostUser.name, hostUser.email, hostUser.notificationPreferences.timeZone]).toEqual(['Hanna Host', host.email, 'America/New_York']);
  const room = await orm.em.fork().findOneOrFail(Room, { host: hostUser.id, name: 'Budget review' });
  expect(room.tags).toEqual(['finance']);
  expect(room.plannedDuration).toBe(45);
  const newYorkHour = Number(new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: 'numeric', hourCycle: 'h23' }).format(room.scheduledStartTime!));
  expect(newYorkHour).toBe(15);

  await waitForPhase(env.client.workflow.getHandle(room.workflowId!), ['waiting']);
  const dm = slack.posted().find((call) => call.args.channel === `D${guest.id.replace(/^U/, '')}` && String(call.args.text).includes('Budget review'));
  const accept = JSON.stringify(dm?.args.blocks).match(/"action_id":"rsvp_accept","value":"([^"]+)"/);
  // The time is shown in the guest's own zone (Berlin), not the host's (New York).
  expect(String(dm?.args.text)).toMatch(/, 21:00 CET\.$/);
  expect(accept).not.toBeNull();

  // The guest accepts with the button; someone else cannot use their invitation.
  const intruder = slackPerson('Ivan Intruder');
  expect((await click(intruder.id, ACTIONS.rsvpAccept, accept![1])).text).toMatch(/this invitation is not yours/);
  expect((await click(guest.id, ACTIONS.rsvpAccept, accept![1])).text).toBe('You accepted "Budget review". See you there!');
  expect((await orm.em.fork().findOneOrFail(RoomInvitation, { token: accept![1] })).status).toBe('accepted');

  // list, status, reschedule, and cancel by someone who is not the host.
  const shortId = room.id.slice(0, 8);
  expect((await meet(host.id, 'list')).text).toContain(`\`${shortId}\` *Budget review*`);
  expect((await meet(guest.id, `status ${shortId}`)).text).toMatch(/\*Budget review\* .*: \*waiting\*[\s\S]*1 of 3 accepted/);
  expect((await meet(guest.id, `cancel ${shortId}`)).text).toMatch(/only the host \(Hanna Host\) can cancel/);
  expect((await meet(host.id, `reschedule ${shortId} the day after tomorrow at 10am`)).text).toMatch(/^Moved "Budget review" to /);
  expect((await env.client.workflow.getHandle(room.workflowId!).query(statusQuery)).sequence).toBe(1);
  // The guest's invite DM was rewritten in place, its Accept/Decline still there; no second DM was posted.
  const guestChannel = `D${guest.id.replace(/^U/, '')}`;
  const inviteMessages = slack.messages.filter((m) => m.channel === guestChannel && /Budget review/.test(m.text));
  expect(inviteMessages).toHaveLength(1);
  expect(inviteMessages[0]).toMatchObject({ updated: 1, text: expect.stringMatching(/^"Budget review" moved to /) });
  expect(JSON.stringify(inviteMessages[0].blocks)).toContain('rsvp_accept');
  expect((await meet(host.id, `cancel ${shortId} too expensive`)).text).toBe('Cancelled "Budget review" (too expensive); everyone invited is told.');
  expect(inviteMessages[0]).toMatchObject({ updated: 2, text: expect.stringMatching(/is cancelled: too expensive/) });
  expect(JSON.stringify(inviteMessages[0].blocks)).not.toContain('rsvp_accept');

  // The audit log has the host's acts, as done in Slack, by the Slack user.
  const audit = await orm.em.fork().find(AuditEvent, { actor: hostUser.id }, { orderBy: { occurredAt: 'asc' } });
  expect(audit.map((event) => [event.action, event.targetId, event.source])).toEqual([
    ['meeting.create', room.id, 'slack'],
    ['meeting.reschedule', room.id, 'slack'],
    ['meeting.cancel', room.id, 'slack'],
  ]);
  expect(audit[0].details).toMatchObject({ slackUserId: host.id, title: 'Budget review', invitees: 3 });
});

test('what cannot be parsed is quoted back with the right form, and nothing is scheduled', async () => {
  const lea = slackPerson('Lea Loose');
  const answer = await meet(lea.id, 'schedule Budget review sometime soonish');
  expect(answer.text).toContain('I could not find when in "Budget review sometime soonish"');
  expect(answer.text).toContain('The form is `/meet schedule <title> <when>');
  expect((await meet(lea.id, 'schedule Retro yesterday at 3pm')).text).toContain('"yesterday at 3pm" is in the past');
  const user = await orm.em.fork().findOneOrFail(User, { oauthId: lea.id });
  expect(await orm.em.fork().count(Room, { host: user.id })).toBe(0);
  expect((await meet(lea.id, 'status nothing-like-this')).text).toMatch(/no meeting of yours matches "nothing-like-this"/);
});

test('/meet tasks and the Mark done button; /meet summary', async () => {
  const owner = slackPerson('Olga Owner');
  await meet(owner.id, 'help'); // first contact creates the user
  const em = orm.em.fork();
  const user = await em.findOneOrFail(User, { oauthId: owner.id });
  const room = em.create(Room, { host: user, name: 'Ops review', slug: unique('ops'), livekitRoomName: unique('lk'), status: 'completed' });
  const recording = em.create(Recording, { room, livekitRecordingId: unique('EG') });
  const transcript = em.create(Transcript, { recording, room, text: 'x' });
  const summary = em.create(MeetingSummary, { room, transcript, executiveSummary: 'The ops team reviewed alerts.', decisions: [{ text: 'Page less at night' }] });
  const item = em.create(ActionItem, { room, summary, assignedTo: user, position: 0, title: 'Tune the pager rules', dueDate: '2026-12-24' });
  await em.flush();

  expect((await meet(owner.id, 'tasks')).text).toContain('• Tune the pager rules (_Ops review_, due 2026-12-24)');
  expect((await meet(owner.id, 'summary ops review')).text).toBe('*Ops review*\nThe ops team reviewed alerts.\n*Decisions*\n• Page less at night');
  const stranger = slackPerson('Sven Stranger');
  // Someone outside the meeting learns nothing about its items, in Slack as in the API (one policy for both).
  expect((await click(stranger.id, ACTIONS.actionItemDone, item.id)).text).toMatch(/No action item/);
  expect((await click(stranger.id, ACTIONS.actionItemSnooze, item.id)).text).toMatch(/No action item/);
  expect((await click(owner.id, ACTIONS.actionItemSnooze, item.id)).text).toBe(':zzz: I\'ll remind you about "Tune the pager rules" again tomorrow.');
  const snoozed = await env.client.workflow.getHandle(`action-item-${item.id}`).describe();
  expect(snoozed.status.name).toBe('RUNNING');
  expect((await click(owner.id, ACTIONS.actionItemDone, item.id)).text).toBe(':white_check_mark: Done: Tune the pager rules');
  expect(await env.client.workflow.getHandle(`action-item-${item.id}`).result()).toMatchObject({ outcome: 'closed' });
  expect((await orm.em.fork().findOneOrFail(ActionItem, item.id)).status).toBe('completed');
  expect((await meet(owner.id, 'tasks')).text).toContain('You have no open action items');
  const audit = await orm.em.fork().find(AuditEvent, { actor: user.id }, { orderBy: { occurredAt: 'asc' } });
  expect(audit.map((event) => [event.action, event.targetId])).toEqual([
    ['summary.read', summary.id],
    ['action_item.snooze', item.id],
    ['action_item.update', item.id],
  ]);
});

test('/meet ask: an answer quoted from my meetings, with who said it and where; a question without words is explained', async () => {
  const asker = slackPerson('Agnes Asker');
  await meet(asker.id, 'help'); // first contact creates the user
  const em = orm.em.fork();
  const user = await em.findOneOrFail(User, { oauthId: asker.id });
  const room = em.create(Room, { host: user, name: 'Pager review', slug: unique('pager'), livekitRoomName: unique('lk'), status: 'completed', scheduledStartTime: new Date('2026-11-30T10:00:00Z') });
  const recording = em.create(Recording, { room, livekitRecordingId: unique('EG') });
  const segments = [
    { speaker: 'Agnes Asker', start: 0, end: 5, text: 'Good morning.' },
    { speaker: 'Piet Pager', start: 65, end: 70, text: 'We agreed the pager escalation waits fifteen minutes.' },
  ];
  em.create(Transcript, { recording, room, text: segments.map((segment) => segment.text).join(' '), segments });
  await em.flush();

  expect((await meet(asker.id, 'ask what did we agree about pager escalation?')).text).toBe(
    `From your meetings:\n• “We agreed the pager escalation waits fifteen minutes.” (Piet Pager, Pager review, 2026-11-30 at 1:05) ${world.cfg.PUBLIC_URL}/meetings/${room.id}/notes#segment-1`,
  );
  expect((await meet(asker.id, 'ask')).text).toMatch(/Ask a question after `\/meet ask`/);
});

test('/meet ask with Claude configured: its answer with the sources; when Claude fails, the quoted lines, labelled', async () => {
  const anthropic = await startFakeAnthropic();
  const answerer = createAnswerer({ ...world.cfg, ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: anthropic.url });
  const claudeBot = await startSlackBot(world, stack, SECRET, answerer);
  try {
    const asker = slackPerson('Olga Oncall');
    await meet(asker.id, 'help', claudeBot.botUrl);
    const em = orm.em.fork();
    const user = await em.findOneOrFail(User, { oauthId: asker.id });
    const room = em.create(Room, { host: user, name: 'Incident review', slug: unique('inc'), livekitRoomName: unique('lk'), status: 'completed', scheduledStartTime: new Date('2026-11-30T10:00:00Z') });
    const recording = em.create(Recording, { room, livekitRecordingId: unique('EG') });
    const segments = [{ speaker: 'Olga Oncall', start: 4505, end: 4510, text: 'We agreed the failover drill runs every quarter.' }];
    em.create(Transcript, { recording, room, text: segments[0].text, segments });
    await em.flush();
    anthropic.script(textAnswer('The failover drill runs every quarter [1].'), { kind: 'error', status: 500, type: 'api_error', message: 'Internal server error' });

    const source = `[1] Olga Oncall, Incident review, 2026-11-30 at 1:15:05 ${world.cfg.PUBLIC_URL}/meetings/${room.id}/notes#segment-0`;
    expect((await meet(asker.id, 'ask how often does the failover drill run?', claudeBot.botUrl)).text).toBe(`The failover drill runs every quarter [1].\n\nSources:\n${source}`);
    expect(JSON.stringify(anthropic.requests[0].body)).toContain('We agreed the failover drill runs every quarter.');
    expect((await meet(asker.id, 'ask how often does the failover drill run?', claudeBot.botUrl)).text).toBe(
      `Claude could not answer just now, so here are the lines from your meetings that match.\nFrom your meetings:\n• “We agreed the failover drill runs every quarter.” (Olga Oncall, Incident review, 2026-11-30 at 1:15:05) ${world.cfg.PUBLIC_URL}/meetings/${room.id}/notes#segment-0`,
    );
  } finally {
    await claudeBot.bot.stop();
    await anthropic.close();
  }
});

test('a bad signature or a stale timestamp is refused (401) and nothing runs', async () => {
  const eve = slackPerson('Eve Forger');
  const body = commandBody({ text: 'schedule Forged meeting tomorrow 3pm', userId: eve.id, responseUrl: slack.responseUrl('forged') });
  expect(await post(body, slackHeaders(body, 'not-the-secret'))).toBe(401);
  expect(await post(body, slackHeaders(body, SECRET, Math.floor(Date.now() / 1000) - 6 * 60))).toBe(401);
  expect(await post(body.replace('Forged', 'Tampered'), slackHeaders(body, SECRET))).toBe(401);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(await orm.em.fork().count(User, { oauthId: eve.id })).toBe(0);
  expect(slack.responses.find((r) => r.path === '/respond/forged')).toBeUndefined();
});

test('App Home: upcoming meetings, open items with Mark done; a redelivered event is handled once', async () => {
  const hugo = slackPerson('Hugo Home');
  await meet(hugo.id, 'schedule Home team sync tomorrow 10am');
  const body = eventBody({ type: 'app_home_opened', user: hugo.id, channel: 'D1', tab: 'home', event_ts: '1.1' }, `Ev${unique('home')}`);
  const send = (retry?: string) =>
    fetch(botUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...slackHeaders(body, SECRET), ...(retry ? { 'x-slack-retry-num': retry, 'x-slack-retry-reason': 'http_timeout' } : {}) }, body });
  expect((await send()).status).toBe(200);
  expect((await send('1')).status).toBe(200);
  const deadline = Date.now() + 10_000;
  let published = slack.views.filter((v) => v.userId === hugo.id);
  while (published.length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    published = slack.views.filter((v) => v.userId === hugo.id);
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  published = slack.views.filter((v) => v.userId === hugo.id);
  expect(published).toHaveLength(1);
  const home = JSON.stringify(published[0].view);
  expect(published[0].view.type).toBe('home');
  expect(home).toContain('Home team sync');
  expect(home).toContain('No open action items');
});

test('the "Schedule a meeting" shortcut opens the form; a bad submission is refused field by field; a good one schedules', async () => {
  const fran = slackPerson('Fran Form');
  const gil = slackPerson('Gil Guest');
  const opened = slack.views.length;
  expect(await post(payloadBody({ type: 'shortcut', callback_id: 'schedule_meeting', trigger_id: 't1', user: { id: fran.id, team_id: 'T1' } }))).toBe(200);
  const deadline = Date.now() + 10_000;
  while (slack.views.length === opened && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const modal = slack.views[opened];
  expect([modal.method, modal.view.type, modal.view.callback_id]).toEqual(['views.open', 'modal', 'schedule_meeting_modal']);

  const submit = (values: Record<string, unknown>) =>
    fetch(botUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackHeaders(payloadBody({ type: 'view_submission', user: { id: fran.id, team_id: 'T1' }, view: { id: 'V1', callback_id: 'schedule_meeting_modal', type: 'modal', state: { values } } }), SECRET) },
      body: payloadBody({ type: 'view_submission', user: { id: fran.id, team_id: 'T1' }, view: { id: 'V1', callback_id: 'schedule_meeting_modal', type: 'modal', state: { values } } }),
    });
  const field = (block: string, element: Record<string, unknown>) => ({ [block]: { value: element } });
  const bad = await submit({ ...field('title', { type: 'plain_text_input', value: ' ' }), ...field('start', { type: 'datetimepicker', selected_date_time: Math.floor(Date.now() / 1000) - 3600 }), ...field('duration', { type: 'number_input', value: '3' }) });
  expect(await bad.json()).toEqual({ response_action: 'errors', errors: { title: 'Give the meeting a title', start: 'Pick a time in the future', duration: 'Between 5 and 1,440 minutes' } });

  const start = Math.floor(Date.now() / 1000) + 7200;
  const good = await submit({
    ...field('title', { type: 'plain_text_input', value: 'Form-made meeting' }),
    ...field('start', { type: 'datetimepicker', selected_date_time: start }),
    ...field('duration', { type: 'number_input', value: '45' }),
    ...field('invitees', { type: 'multi_users_select', selected_users: [gil.id] }),
    ...field('record', { type: 'checkboxes', selected_options: [{ value: 'record' }] }),
  });
  expect(good.status).toBe(200);
  const host = async () => orm.em.fork().findOne(User, { oauthId: fran.id });
  let room: RoomEntity | null = null;
  while (!room && Date.now() < deadline + 10_000) {
    const user = await host();
    room = user ? await orm.em.fork().findOne(Room, { host: user.id, name: 'Form-made meeting' }) : null;
    if (!room) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(room).toMatchObject({ plannedDuration: 45, settings: expect.objectContaining({ autoRecord: true }) });
  expect(room!.scheduledStartTime!.getTime()).toBe(start * 1000);
  await waitForPhase(env.client.workflow.getHandle(room!.workflowId!), ['waiting']);
  expect((await env.client.workflow.getHandle(room!.workflowId!).query(statusQuery)).invitations.map((i) => i.email)).toEqual([gil.email]);
  await env.client.workflow.getHandle(room!.workflowId!).executeUpdate(cancelUpdate, { args: ['test over'] });
});

test('/meet link: a one-time link to set an API password; it is no login token, and works once', async () => {
  const api = await startApi(apiDeps(orm, env.connection, world));
  try {
    const pia = slackPerson('Pia Password');
    const answer = await meet(pia.id, 'link');
    expect(answer.text).toContain(`your email is ${pia.email}`);
    const token = answer.text.match(/\/auth\/password\?token=([\w-]+)\|/)![1];
    expect((await api.call('GET', '/auth/me', { token })).status).toBe(401);
    const set = await api.call('POST', '/auth/password', { body: { token, password: 'a good long password' } });
    expect(set).toMatchObject({ status: 200, body: { user: { email: pia.email, name: 'Pia Password' } } });
    expect((await api.call('GET', '/auth/me', { token: set.body.token })).status).toBe(200);
    expect((await api.call('POST', '/auth/password', { body: { token, password: 'another long password' } })).status).toBe(410);
    const login = await api.call('POST', '/auth/login', { body: { email: pia.email, password: 'a good long password' } });
    expect(login.status).toBe(200);
    const page = await fetch(`${api.url}/auth/password?token=${token}`);
    expect(page.headers.get('content-type')).toContain('text/html');
  } finally {
    await api.close();
  }
});
