import type { App } from '@slack/bolt';
import { createHmac, randomBytes } from 'node:crypto';
import type { AddressInfo, Server } from 'node:net';
import pino from 'pino';
import { createBotApp } from '../../bot/app';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api';
import { startWorkerStack, testWorld, type TestWorld, type WorkerStack } from './worker';

/** Slack gives every command, click and submission its own trigger id. */
const triggerId = () => `${Date.now()}.1.${randomBytes(8).toString('hex')}`;

/** Signs a request body as Slack does (v0 HMAC-SHA256 of "v0:<timestamp>:<body>"). */
export function slackHeaders(body: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature };
}

/** A slash command exactly as Slack posts it: form-encoded. */
export function commandBody(fields: { text: string; userId: string; responseUrl: string; command?: string }): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'T1',
    team_domain: 'meetflow-test',
    channel_id: 'C1',
    channel_name: 'general',
    user_id: fields.userId,
    user_name: fields.userId.toLowerCase(),
    command: fields.command ?? '/meet',
    text: fields.text,
    api_app_id: 'A1',
    is_enterprise_install: 'false',
    response_url: fields.responseUrl,
    trigger_id: triggerId(),
  }).toString();
}

/** A button click exactly as Slack posts it: form-encoded with a JSON `payload`. */
export function buttonBody(fields: { actionId: string; value: string; userId: string; responseUrl: string }): string {
  const payload = {
    type: 'block_actions',
    user: { id: fields.userId, username: fields.userId.toLowerCase(), team_id: 'T1' },
    api_app_id: 'A1',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'D1', is_ephemeral: false },
    trigger_id: triggerId(),
    team: { id: 'T1', domain: 'meetflow-test' },
    channel: { id: 'D1', name: 'directmessage' },
    response_url: fields.responseUrl,
    actions: [{ type: 'button', action_id: fields.actionId, block_id: 'b1', text: { type: 'plain_text', text: 'x' }, value: fields.value, action_ts: String(Date.now() / 1000) }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** An Events API callback exactly as Slack posts it: JSON. */
export function eventBody(event: Record<string, unknown>, eventId = `Ev${Date.now()}${Math.random().toString(36).slice(2, 8)}`): string {
  return JSON.stringify({ token: 'deprecated-verification-token', team_id: 'T1', api_app_id: 'A1', type: 'event_callback', event_id: eventId, event_time: Math.floor(Date.now() / 1000), event });
}

/** A global shortcut or a modal submission exactly as Slack posts it: form-encoded with a JSON `payload`. */
export function payloadBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify({ api_app_id: 'A1', token: 'deprecated-verification-token', team: { id: 'T1', domain: 'meetflow-test' }, ...payload }) }).toString();
}

export interface SlackBotStack {
  slack: FakeSlackApi;
  world: TestWorld;
  stack: WorkerStack;
  bot: App;
  /** Where Slack would post: the Bolt app's HTTP receiver. */
  botUrl: string;
  stop: () => Promise<void>;
}

/**
 * Bolt for real over HTTP, with a worker: the bot's Web API client and the worker's DMs talk to the Slack stand-in,
 * and requests must be signed with `secret`, as Slack signs them.
 */
export async function startSlackBotStack(label: string, secret: string, env: Record<string, string> = {}): Promise<SlackBotStack> {
  const slack = await startFakeSlackApi();
  const world = testWorld(label, { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: secret, SLACK_API_URL: slack.url, ...env });
  const stack = await startWorkerStack(world);
  const { bot, botUrl } = await startSlackBot(world, stack, secret);
  return {
    slack,
    world,
    stack,
    bot,
    botUrl,
    stop: async () => {
      await bot.stop();
      await Promise.all([stack.stop(), slack.close()]);
    },
  };
}

/** One more Bolt app over HTTP on the same world and stack (e.g. with another answerer); stop it with bot.stop(). */
export async function startSlackBot(world: TestWorld, stack: WorkerStack, secret: string, answerer = world.providers.answerer): Promise<{ bot: App; botUrl: string }> {
  const bot = createBotApp({ cfg: { ...world.cfg, TEMPORAL_TASK_QUEUE: world.taskQueue }, orm: stack.orm, temporal: stack.env.client, log: pino({ level: 'silent' }), signingSecret: secret, answerer });
  const server = (await bot.start(0)) as Server;
  return { bot, botUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events` };
}

/** What the bot posted to a command's or button's response URL (`/respond/<id>` on the stand-in), waiting up to 15 s. */
export async function responsePosted(slack: FakeSlackApi, id: string): Promise<any> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = slack.responses.find((r) => r.path === `/respond/${id}`);
    if (found) return found.body;
    if (Date.now() > deadline) throw new Error('no reply posted to the response URL');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
