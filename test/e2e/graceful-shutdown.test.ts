import type { MikroORM } from '@mikro-orm/postgresql';
import { request } from 'node:http';
import { Room, User } from '../../db/entities';
import { createSession } from '../../db/sessions';
import { startFakeSlackApi } from '../fakes/slack-api';
import { testDatabaseUrl, unique } from '../helpers/db';
import { createUser } from '../helpers/factories';
import { connectTestClients, freePort, spawnService, type TestClients } from '../helpers/processes';
import { commandBody, slackHeaders } from '../helpers/slack';
import { testWorld } from '../helpers/worker';
import { waitFor } from '../helpers/wait';

// SIGTERM (what Kubernetes and docker stop send) to the real API and bot processes with a request in flight:
// the request is answered, new connections are refused, the process exits 0. (The worker's test is in
// test/workflows/exactly-once.test.ts.)
const world = testWorld('graceful-shutdown');
let clients: TestClients;
let orm: MikroORM;

beforeAll(async () => {
  clients = await connectTestClients();
  orm = clients.orm;
});

afterAll(() => clients?.close());

/**
 * Starts a POST whose body arrives in two halves; `between` runs after the first half is sent. Resolves with
 * the status and body the server answered.
 */
function postInTwoHalves(url: string, headers: Record<string, string>, body: string, between: () => Promise<void>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // No keep-alive: the connection ends with the answer, so nothing but the server's own work delays its exit.
    const req = request(url, { method: 'POST', agent: false, headers: { ...headers, connection: 'close', 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    const half = Math.floor(body.length / 2);
    req.write(body.slice(0, half));
    between().then(() => req.end(body.slice(half)), reject);
  });
}

const refusedNow = (url: string) => fetch(url).then(() => false, (error: { cause?: { code?: string } }) => error.cause?.code === 'ECONNREFUSED');

/** Whether new connections are refused within two seconds of the shutdown starting (the listener closes asynchronously). */
const refused = (url: string) => waitFor(`${url} to refuse connections`, () => refusedNow(url), 2_000, 50).then(() => true, () => false);

test('the API finishes the request in flight (the meeting is created), refuses new connections, and exits 0', async () => {
  const port = await freePort();
  const taskQueue = unique('graceful-api');
  const api = spawnService('api/main.ts', { DATABASE_URL: testDatabaseUrl(), DATA_DIR: world.dataDir, API_PORT: String(port), API_HOST: '127.0.0.1', TEMPORAL_TASK_QUEUE: taskQueue });
  await api.waitForLog('api listening');
  const em = orm.em.fork();
  const host = await createUser(em);
  const { token } = await createSession(em, host, {});
  const title = unique('Shutdown review');
  const body = JSON.stringify({ title, start: new Date(Date.now() + 3_600_000).toISOString() });

  const answer = await postInTwoHalves(`http://127.0.0.1:${port}/meetings`, { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body, async () => {
    await new Promise((resolve) => setTimeout(resolve, 100));
    api.child.kill('SIGTERM');
    await api.waitForLog('api stopping: finishing in-flight requests');
    expect(await refused(`http://127.0.0.1:${port}/health`)).toBe(true);
  });

  expect(answer.status).toBe(201);
  expect(await api.exited).toBe(0);
  const room = await orm.em.fork().findOneOrFail(Room, { name: title });
  expect(room.host.id).toBe(host.id);
  await clients.client.workflow.getHandle(room.workflowId!).terminate('test over');
}, 60_000);

test('the bot answers the slash command in flight, stops receiving, and exits 0', async () => {
  const slack = await startFakeSlackApi();
  const port = await freePort();
  const secret = 'graceful-signing-secret';
  const bot = spawnService('bot/main.ts', { DATABASE_URL: testDatabaseUrl(), DATA_DIR: world.dataDir, BOT_PORT: String(port), SLACK_SIGNING_SECRET: secret, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: slack.url, SLACK_APP_TOKEN: '' });
  try {
    await bot.waitForLog('slack bot listening');
    const userId = unique('U').toUpperCase().replace(/-/g, '');
    slack.addUser({ id: userId, name: 'sig', real_name: 'Sig Term', tz: 'UTC', email: `${userId.toLowerCase()}@example.test` });
    const body = commandBody({ text: 'help', userId, responseUrl: slack.responseUrl(userId) });
    // Slack is slow to answer who this is (a rate limit, retried after 2 s): the work after the ack outlasts the HTTP request.
    slack.rateLimit(1, 2);
    const answer = await postInTwoHalves(`http://127.0.0.1:${port}/slack/events`, { 'content-type': 'application/x-www-form-urlencoded', ...slackHeaders(body, secret) }, body, async () => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      bot.child.kill('SIGTERM');
      await bot.waitForLog('slack bot stopping: answering requests in flight, taking no new ones');
      expect(await refused(`http://127.0.0.1:${port}/slack/events`)).toBe(true);
    });
    expect(answer.status).toBe(200);
    expect(await bot.exited).toBe(0);
    // The command ran to the end after its ack: the person who typed it is a user now, and got the help text.
    expect(await orm.em.fork().count(User, { oauthProvider: 'slack', oauthId: userId })).toBe(1);
    const replies = slack.responses.filter((reply) => reply.path === `/respond/${userId}`);
    expect(replies.map((reply) => reply.body.text)).toEqual([expect.stringContaining('/meet schedule')]);
  } finally {
    if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
    await slack.close();
  }
}, 60_000);
