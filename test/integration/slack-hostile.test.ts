import type { MikroORM } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { ACTIONS } from '../../integrations/chat/slack-blocks';
import type { FakeSlackApi } from '../fakes/slack-api';
import { unique } from '../helpers/db';
import { buttonBody, commandBody, eventBody, slackHeaders, startSlackBotStack, type SlackBotStack } from '../helpers/slack';
import type { WorkerStack } from '../helpers/worker';
import { waitFor } from '../helpers/wait';

// Hostile requests at the Slack door (Bolt over HTTP): what test/integration/slack-bot.test.ts does not already
// send. A request Slack did not sign is 401 and runs nothing; a signed but malformed one gets no 5xx and changes
// nothing; an event delivered again (same event_id) is handled once, as Slack's Events API asks.
const SECRET = 'slack-signing-secret-for-hostile-tests';
let orm: MikroORM;
let stack: WorkerStack;
let slack: FakeSlackApi;
let bots: SlackBotStack;
let botUrl: string;

beforeAll(async () => {
  bots = await startSlackBotStack('slack-hostile', SECRET);
  ({ slack, stack, botUrl } = bots);
  orm = stack.orm;
});

afterAll(() => bots?.stop());

async function post(body: string, headers: Record<string, string>, contentType = 'application/x-www-form-urlencoded') {
  const response = await fetch(botUrl, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
  return { status: response.status, text: await response.text() };
}

/**
 * Rows these requests could have created or changed (scoped to the Slack user they come from, as other test files
 * write to the same database meanwhile), and what the bot could have posted or shown.
 */
async function snapshot(slackUserId: string) {
  const connection = orm.em.fork().getConnection();
  const count = async (sql: string) => Number((await connection.execute<{ n: string }[]>(sql, [slackUserId]))[0].n);
  return {
    users: await count('select count(*) as n from users where oauth_id = ?'),
    rooms: await count('select count(*) as n from rooms r join users u on u.id = r.host_id where u.oauth_id = ?'),
    notifications: await count('select count(*) as n from notifications n join users u on u.id = n.user_id where u.oauth_id = ?'),
    messages: slack.calls.filter((call) => call.method.startsWith('chat.')).length,
    views: slack.views.length,
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

test('unsigned, mis-signed and out-of-window requests: 401, and nothing runs', async () => {
  const userId = unique('U').toUpperCase().replace(/-/g, '');
  const body = commandBody({ text: 'schedule Forged sync tomorrow 3pm', userId, responseUrl: slack.responseUrl(unique('forged')) });
  const now = Math.floor(Date.now() / 1000);
  const good = slackHeaders(body, SECRET, now);
  const cases: [string, Record<string, string>][] = [
    ['no signature headers', {}],
    ['a signature but no timestamp', { 'x-slack-signature': good['x-slack-signature'] }],
    ['a timestamp but no signature', { 'x-slack-request-timestamp': String(now) }],
    ['a timestamp that is not a number', { ...good, 'x-slack-request-timestamp': 'yesterday' }],
    ['the signature of another timestamp', { ...good, 'x-slack-request-timestamp': String(now - 1) }],
    ['a v1 signature', { ...good, 'x-slack-signature': good['x-slack-signature'].replace(/^v0=/, 'v1=') }],
    ['a truncated signature', { ...good, 'x-slack-signature': good['x-slack-signature'].slice(0, 20) }],
  ];
  const before = await snapshot(userId);
  const answers: string[] = [];
  for (const [what, headers] of cases) answers.push(`${what}: ${(await post(body, headers)).status}`);
  expect(answers).toEqual(cases.map(([what]) => `${what}: 401`));
  await settle();
  expect(await snapshot(userId)).toEqual(before);
});

test('signed but malformed requests: no 5xx, and nothing changes', async () => {
  const userId = unique('U').toUpperCase().replace(/-/g, '');
  const form: [string, string][] = [
    ['a payload that is not JSON', 'payload=%7Bnot-json'],
    ['an empty payload object', `payload=${encodeURIComponent('{}')}`],
    ['a payload of an unknown type', `payload=${encodeURIComponent(JSON.stringify({ type: 'no_such_type', user: { id: userId } }))}`],
    ['a command without a user', 'command=%2Fmeet&text=schedule%20x%20tomorrow'],
    ['a command from a user who is not in this workspace', commandBody({ text: 'schedule Ghost sync tomorrow 3pm', userId, responseUrl: slack.responseUrl(unique('r')) })],
    ['an empty form', ''],
    ['a Mark done click on an id that is no uuid', buttonBody({ actionId: ACTIONS.actionItemDone, value: "1' or '1'='1", userId, responseUrl: slack.responseUrl(unique('r')) })],
    ['a Mark done click on an item that does not exist', buttonBody({ actionId: ACTIONS.actionItemDone, value: randomUUID(), userId, responseUrl: slack.responseUrl(unique('r')) })],
    ['an RSVP click on a token that does not exist', buttonBody({ actionId: ACTIONS.rsvpAccept, value: 'x'.repeat(64), userId, responseUrl: slack.responseUrl(unique('r')) })],
    ['a cancel click on a meeting that does not exist', buttonBody({ actionId: ACTIONS.cancelMeeting, value: randomUUID(), userId, responseUrl: slack.responseUrl(unique('r')) })],
    ['a /meet with 20 KB of text', commandBody({ text: `schedule ${'x'.repeat(20_000)}`, userId, responseUrl: slack.responseUrl(unique('r')) })],
  ];
  const json: [string, string][] = [
    ['a JSON body that does not parse', '{"type": "event_callback", '],
    ['an event callback without its event', JSON.stringify({ type: 'event_callback', event_id: `Ev${unique('x')}`, team_id: 'T1' })],
    ['an event of a type nobody handles', eventBody({ type: 'no_such_event', user: userId })],
  ];
  const before = await snapshot(userId);
  const answers: { what: string; status: number }[] = [];
  for (const [what, body] of form) answers.push({ what, status: (await post(body, slackHeaders(body, SECRET))).status });
  for (const [what, body] of json) answers.push({ what, status: (await post(body, slackHeaders(body, SECRET), 'application/json')).status });
  console.log(`slack malformed requests: ${answers.map((a) => `${a.what} ${a.status}`).join('; ')}`);
  expect(answers.filter((a) => a.status >= 500)).toEqual([]);
  await settle();
  // Nobody new in the database, no meeting, no message, no view (replies go to the clicker's response URL only).
  expect(await snapshot(userId)).toEqual(before);
}, 60_000);

test('Slack\'s URL verification is answered with its challenge', async () => {
  const body = JSON.stringify({ token: 'deprecated-verification-token', challenge: 'c-' + unique('x'), type: 'url_verification' });
  const response = await post(body, slackHeaders(body, SECRET), 'application/json');
  expect(response.status).toBe(200);
  expect(response.text).toContain(JSON.parse(body).challenge);
});

test('the same event replayed (same event_id, freshly signed, no retry header) is handled once', async () => {
  const userId = unique('U').toUpperCase().replace(/-/g, '');
  slack.addUser({ id: userId, name: 'replay', real_name: 'Rex Replay', tz: 'UTC', email: `${userId.toLowerCase()}@example.test` });
  const body = eventBody({ type: 'app_home_opened', user: userId, channel: 'D1', tab: 'home', event_ts: '1.1' }, `Ev${unique('replay')}`);
  expect((await post(body, slackHeaders(body, SECRET), 'application/json')).status).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  expect((await post(body, slackHeaders(body, SECRET), 'application/json')).status).toBe(200);
  await waitFor('the App Home view to be published', () => slack.views.some((v) => v.userId === userId), 10_000, 50);
  await settle();
  expect(slack.views.filter((v) => v.userId === userId)).toHaveLength(1);
});
