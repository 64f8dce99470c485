/**
 * bench/slack-ack: 500 signed `/meet schedule` commands at concurrency 20 against the real Bolt app; the figure is
 * how long Slack would wait for the acknowledgement (the HTTP answer), p50/p99, beside a bare Bolt app whose
 * listener only acks (Bolt's own floor) in the same run. Slack's limit is 3 s; we aim for < 200 ms.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { createBotApp } from '../bot/app';
import { percentile, startBenchStack } from './lib/bench-env';
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
  const responder = createServer((request, response) => request.resume().on('end', () => response.end('ok')));
  await new Promise<void>((resolve) => responder.listen(0, '127.0.0.1', resolve));
  const responseUrl = `http://127.0.0.1:${(responder.address() as AddressInfo).port}/respond`;
  const { cfg, orm, log, temporal, stop } = await startBenchStack('slack', { SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_API_URL: slack.url });
  const bot = createBotApp({ cfg, orm, temporal, log, signingSecret: SECRET });
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

  await new Promise((resolve) => setTimeout(resolve, 3000)); // let the scheduling after each ack finish
  await bot.stop();
  slack.close();
  responder.close();
  console.log(`scheduled and then terminated ${await stop()} benchmark meetings`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
