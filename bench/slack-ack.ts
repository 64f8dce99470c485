/**
 * bench/slack-ack: 500 signed `/meet schedule` commands at concurrency 20 against the real Bolt app; the figure is
 * how long Slack would wait for the acknowledgement (the HTTP answer), p50/p99, beside a bare Bolt app whose
 * listener only acks (Bolt's own floor) in the same run. Slack's limit is 3 s; we aim for < 200 ms. The bot runs
 * as deployed: in a process of its own, each command's work (users.info, the replay check, the meeting row, the
 * workflow start, the reply) after its ack; no Temporal worker shares its event loop (the meetings' workflows
 * wait on a task queue nobody polls and are terminated at the end).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import pino from 'pino';
import { createBotApp } from '../bot/app';
import { config, type Config } from '../config';
import { openBenchDatabase, percentile } from './lib/bench-env';
import { reportFigures } from './lib/figures';
import { formatTable } from './lib/table';

const TOTAL = Number(process.env.BENCH_COMMANDS ?? 500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const SECRET = 'bench-signing-secret';

/** A minimal Slack Web API for what the bot calls while scheduling (users.info, DMs): answers at once. */
async function slackStandIn(): Promise<{ url: string; close: () => void }> {
  const server = createServer((request, response) => {
    const method = (request.url ?? '').replace('/api/', '');
    request.resume();
    request.on('end', () => {
      const body =
        method === 'users.info'
          ? { ok: true, user: { id: 'UBENCH', real_name: 'Bench User', tz: 'Europe/Berlin', profile: { email: 'bench-user@bench.test', real_name: 'Bench User' } } }
          : method === 'conversations.open'
            ? { ok: true, channel: { id: 'DBENCH' } }
            : { ok: true, ts: '1.1', channel: 'DBENCH' };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`, close: () => server.close() };
}

function signed(body: string): Record<string, string> {
  const ts = Math.floor(Date.now() / 1000);
  return { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}` };
}

async function measure(url: string, makeBody: (i: number) => string): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  async function lane() {
    while (next < TOTAL) {
      const body = makeBody(next++);
      const started = performance.now();
      const response = await fetch(url, { method: 'POST', headers: signed(body), body });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`unexpected ${response.status}`);
      latencies.push(performance.now() - started);
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return latencies.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const slack = await slackStandIn();
  let replies = 0;
  const responder = createServer((request, response) => request.resume().on('end', () => response.end('ok', () => (replies += 1))));
  await new Promise<void>((resolve) => responder.listen(0, '127.0.0.1', resolve));
  const responseUrl = `http://127.0.0.1:${(responder.address() as AddressInfo).port}/respond`;
  const cfg: Config = { ...config(), TEMPORAL_TASK_QUEUE: `bench-slack-${Date.now()}`, LOG_LEVEL: 'silent', SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_API_URL: slack.url };
  const { orm } = await openBenchDatabase();
  const connection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS });
  const temporal = new TemporalClient({ connection, namespace: cfg.TEMPORAL_NAMESPACE });
  const bot = createBotApp({ cfg, orm, temporal, log: pino({ level: 'silent' }), signingSecret: SECRET });
  const server = (await bot.start(0)) as Server;
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;

  const bare = new App({ signingSecret: SECRET, token: 'xoxb-bench', tokenVerificationEnabled: false, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: slack.url } });
  bare.command('/meet', async ({ ack }) => ack());
  const bareServer = (await bare.start(0)) as Server;
  const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/slack/events`;

  const command = (text: string) => (i: number) =>
    new URLSearchParams({ token: 'x', team_id: 'T1', team_domain: 'bench', channel_id: 'C1', channel_name: 'general', user_id: 'UBENCH', user_name: 'bench', command: '/meet', text: text.replace('{i}', String(i)), api_app_id: 'A1', is_enterprise_install: 'false', response_url: responseUrl, trigger_id: randomUUID() }).toString();
  const floor = await measure(bareUrl, command('schedule Bench meeting {i} tomorrow 3pm'));
  const schedule = await measure(url, command('schedule Bench meeting {i} tomorrow 3pm for 30m #bench'));
  await bare.stop();
  const rows = [
    ['bare Bolt app, listener only acks (floor)', ...[50, 99].map((p) => percentile(floor, p).toFixed(1)), floor[floor.length - 1].toFixed(1)],
    ['/meet schedule (ack)', ...[50, 99].map((p) => percentile(schedule, p).toFixed(1)), schedule[schedule.length - 1].toFixed(1)],
  ];
  console.log(`${TOTAL} signed commands at concurrency ${CONCURRENCY}; ack = the HTTP answer Slack waits for (limit 3,000 ms)\n`);
  console.log(formatTable(['request', 'p50 ms', 'p99 ms', 'max ms'], rows));
  const summary = ([, p50, p99]: string[]) => `p50 ${p50} / p99 ${p99} ms`;
  reportFigures('slack-ack', [{ figure: `/meet schedule ack (${TOTAL} at concurrency ${CONCURRENCY})`, value: summary(rows[1]), baseline: `bare Bolt ack: ${summary(rows[0])}` }]);

  const cutOff = await bot.drain(120_000); // the work after each ack
  await bot.stop();
  slack.close();
  responder.close();
  let terminated = 0;
  for await (const execution of temporal.workflow.list({ query: `TaskQueue = '${cfg.TEMPORAL_TASK_QUEUE}' AND ExecutionStatus = 'Running'` })) {
    await temporal.workflow.getHandle(execution.workflowId).terminate('benchmark over').catch(() => undefined);
    terminated += 1;
  }
  await connection.close();
  await orm.close();
  console.log(`${replies} replies posted to the response URLs (${cutOff} commands still working when cut off); scheduled and then terminated ${terminated} benchmark meetings`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
