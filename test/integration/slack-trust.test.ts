import type { MikroORM } from '@mikro-orm/postgresql';
import { Room, User } from '../../db/entities';
import { cancelUpdate } from '../../workflows/messages';
import type { FakeSlackApi } from '../fakes/slack-api';
import { unique } from '../helpers/db';
import { buttonBody, commandBody, payloadBody, slackHeaders, startSlackBotStack, type SlackBotStack } from '../helpers/slack';
import { waitFor } from '../helpers/wait';
import type { TestWorld, WorkerStack } from '../helpers/worker';
import { apiDeps, signUp, startApi } from '../helpers/api';
import { findOrCreateUserByEmail } from '../../db/users';
import { ACTIONS } from '../../integrations/chat/slack-blocks';

// Replays and trust at the Slack door (issue 15): a correctly signed request sent again, by an attacker who
// captured it or by Slack retrying, changes nothing; a request dated outside ±5 minutes of our clock, past or
// future, is refused; a Slack profile's email takes over no account that has a password (or is an admin's).
// The real Bolt app receives the requests; its Web API client talks to the Slack stand-in.
const SECRET = 'slack-signing-secret-for-replay-tests';
let orm: MikroORM;
let stack: WorkerStack;
let slack: FakeSlackApi;
let bots: SlackBotStack;
let botUrl: string;
let world: TestWorld;

beforeAll(async () => {
  bots = await startSlackBotStack('slack-trust', SECRET);
  ({ slack, world, stack, botUrl } = bots);
  orm = stack.orm;
});

afterAll(() => bots?.stop());

function slackPerson(name: string, email?: string) {
  const id = unique('U').toUpperCase().replace(/-/g, '');
  slack.addUser({ id, name: name.toLowerCase(), real_name: name, tz: 'UTC', email: email ?? `${id.toLowerCase()}@example.test` });
  return id;
}

/** `/meet <text>` as this Slack user; the reply posted to its response URL. */
async function meet(userId: string, text: string): Promise<string> {
  const replyId = unique('r');
  const body = commandBody({ text, userId, responseUrl: slack.responseUrl(replyId) });
  expect(await post(body, slackHeaders(body, SECRET))).toBe(200);
  await waitFor(`the reply to /meet ${text}`, () => repliesTo(replyId).length === 1, 15_000, 50);
  return repliesTo(replyId)[0].body.text;
}

async function post(body: string, headers: Record<string, string>) {
  const response = await fetch(botUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
  await response.arrayBuffer();
  return response.status;
}

const repliesTo = (id: string) => slack.responses.filter((r) => r.path === `/respond/${id}`);
const settle = () => new Promise((resolve) => setTimeout(resolve, 1_000));

async function meetingsOf(slackId: string) {
  const em = orm.em.fork();
  const host = await em.findOne(User, { oauthProvider: 'slack', oauthId: slackId });
  return host ? em.find(Room, { host: host.id }) : [];
}

async function cancelAll(rooms: { workflowId?: string | null }[]) {
  for (const room of rooms) await stack.env.client.workflow.getHandle(room.workflowId!).executeUpdate(cancelUpdate, { args: ['test over'] });
}

test('the same signed /meet schedule sent again a second later creates one meeting and one reply', async () => {
  const userId = slackPerson('Rita Replay');
  const replyId = unique('r');
  const body = commandBody({ text: 'schedule Replayed sync tomorrow 3pm', userId, responseUrl: slack.responseUrl(replyId) });
  const headers = slackHeaders(body, SECRET);
  expect(await post(body, headers)).toBe(200);
  await waitFor('the first reply', () => repliesTo(replyId).length === 1, 15_000, 50);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect(await post(body, headers)).toBe(200);
  await settle();
  const rooms = await meetingsOf(userId);
  expect(rooms.map((room) => room.name)).toEqual(['Replayed sync']);
  expect(repliesTo(replyId).map((r) => r.body.text)).toEqual([expect.stringMatching(/^Scheduled "Replayed sync"/)]);
  await cancelAll(rooms);
});

test('a retry by Slack (x-slack-retry-num, freshly signed, the same trigger) creates nothing new', async () => {
  const userId = slackPerson('Rolf Retry');
  const replyId = unique('r');
  const body = commandBody({ text: 'schedule Retried sync tomorrow 4pm', userId, responseUrl: slack.responseUrl(replyId) });
  expect(await post(body, slackHeaders(body, SECRET))).toBe(200);
  expect(await post(body, { ...slackHeaders(body, SECRET, Math.floor(Date.now() / 1000) + 1), 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })).toBe(200);
  await waitFor('the reply', () => repliesTo(replyId).length >= 1, 15_000, 50);
  await settle();
  const rooms = await meetingsOf(userId);
  expect(rooms).toHaveLength(1);
  expect(repliesTo(replyId)).toHaveLength(1);
  await cancelAll(rooms);
});

test('a request dated more than 5 minutes ahead or behind is refused (401) and runs nothing; four minutes either way is accepted', async () => {
  const userId = slackPerson('Fritz Future');
  const refused: string[] = [];
  // Dated when sent (not when the test began: on a busy machine seconds pass between requests), 5 min 30 s out.
  const dated = (offset: number) => Math.floor(Date.now() / 1000) + offset;
  for (const offset of [3600, 330, -330, -3600]) {
    const body = commandBody({ text: `schedule Dated ${offset} tomorrow 3pm`, userId, responseUrl: slack.responseUrl(unique('r')) });
    refused.push(`${offset}: ${await post(body, slackHeaders(body, SECRET, dated(offset)))}`);
  }
  expect(refused).toEqual(['3600: 401', '330: 401', '-330: 401', '-3600: 401']);
  const accepted: string[] = [];
  for (const offset of [240, -240]) {
    const replyId = unique('r');
    const body = commandBody({ text: 'help', userId, responseUrl: slack.responseUrl(replyId) });
    accepted.push(`${offset}: ${await post(body, slackHeaders(body, SECRET, dated(offset)))}`);
    await waitFor(`the help reply to a request dated ${offset} s away`, () => repliesTo(replyId).length === 1, 15_000, 50);
  }
  expect(accepted).toEqual(['240: 200', '-240: 200']);
  await settle();
  expect(await meetingsOf(userId)).toEqual([]);
});

test('a replayed button click and a replayed form submission act once', async () => {
  const userId = slackPerson('Bea Button');
  const replyId = unique('r');
  const click = buttonBody({ actionId: ACTIONS.rsvpAccept, value: 'x'.repeat(64), userId, responseUrl: slack.responseUrl(replyId) });
  const clickHeaders = slackHeaders(click, SECRET);
  expect(await post(click, clickHeaders)).toBe(200);
  await waitFor('the answer to the click', () => repliesTo(replyId).length === 1, 15_000, 50);
  expect(await post(click, clickHeaders)).toBe(200);

  const start = Math.floor(Date.now() / 1000) + 7200;
  const field = (block: string, element: Record<string, unknown>) => ({ [block]: { value: element } });
  const values = {
    ...field('title', { type: 'plain_text_input', value: 'Form replay' }),
    ...field('start', { type: 'datetimepicker', selected_date_time: start }),
    ...field('duration', { type: 'number_input', value: '30' }),
  };
  const submit = payloadBody({ type: 'view_submission', trigger_id: `${Date.now()}.1.${unique('t')}`, user: { id: userId, team_id: 'T1' }, view: { id: 'V1', callback_id: 'schedule_meeting_modal', type: 'modal', state: { values } } });
  const submitHeaders = slackHeaders(submit, SECRET);
  expect(await post(submit, submitHeaders)).toBe(200);
  await waitFor('the meeting from the form', async () => (await meetingsOf(userId)).length === 1, 15_000, 100);
  expect(await post(submit, submitHeaders)).toBe(200);
  await settle();
  expect(repliesTo(replyId)).toHaveLength(1);
  const rooms = await meetingsOf(userId);
  expect(rooms.map((room) => room.name)).toEqual(['Form replay']);
  await cancelAll(rooms);
});

test('a Slack user whose email has an account with a password gets a code, not the account; its owner links it by signing in', async () => {
  const api = await startApi(apiDeps(orm, stack.env.connection, world));
  try {
    const owner = await signUp(api, 'Paula Password');
    const slackId = slackPerson('Paula Slack', owner.user.email);
    const refused = await meet(slackId, 'link');
    expect(refused).toMatch(new RegExp(`${owner.user.email.replace(/[.]/g, '\\.')} already has a Meetflow account, and an email in Slack is not enough`));
    expect(refused).not.toMatch(/auth\/password\?token=/);
    expect(await orm.em.fork().count(User, { oauthId: slackId })).toBe(0);
    const code = refused.match(/"code": "([\w-]+)"/)![1];

    // Someone else signed in cannot use it; the owner, signed in with the password, can, once.
    const stranger = await signUp(api, 'Sid Stranger');
    expect((await api.call('POST', '/auth/slack-link', { token: stranger.token, body: { code } })).status).toBe(410);
    const linked = await api.call('POST', '/auth/slack-link', { token: owner.token, body: { code } });
    expect(linked).toMatchObject({ status: 200, body: { user: { email: owner.user.email } } });
    expect((await api.call('POST', '/auth/slack-link', { token: owner.token, body: { code } })).status).toBe(410);
    expect(await meet(slackId, 'list')).toMatch(/^You have no upcoming meetings/);
    expect(await meet(slackId, 'link')).toContain(`your email is ${owner.user.email}`);
  } finally {
    await api.close();
  }
});

test('an account without a password (made from an invitation) is linked by email; an administrator\'s is not', async () => {
  const invited = await findOrCreateUserByEmail(orm.em.fork(), `${unique('invited')}@example.test`);
  const invitedSlack = slackPerson('Ivo Invited', invited.email);
  expect(await meet(invitedSlack, 'link')).toContain(`your email is ${invited.email}`);
  expect((await orm.em.fork().findOneOrFail(User, invited.id)).oauthId).toBe(invitedSlack);

  const admin = await findOrCreateUserByEmail(orm.em.fork(), `${unique('admin')}@example.test`);
  await orm.em.fork().nativeUpdate(User, admin.id, { role: 'admin' });
  const adminSlack = slackPerson('Ada Admin', admin.email);
  expect(await meet(adminSlack, 'link')).toMatch(/already has a Meetflow account/);
  expect((await orm.em.fork().findOneOrFail(User, admin.id)).oauthId).toBeNull();
});
