import type { MikroORM } from '@mikro-orm/postgresql';
import { Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import { startFakeAnthropic } from '../fakes/anthropic';
import { startFakeSlackApi } from '../fakes/slack-api';
import { startFakeSmtp } from '../fakes/smtp';
import { apiDeps } from '../helpers/api';
import { openTestOrm, unique } from '../helpers/db';
import { listen } from '../helpers/http';
import { startLocalLiveKit } from '../helpers/livekit-server';
import { freePort } from '../helpers/processes';
import { testWorld } from '../helpers/worker';

interface HealthBody {
  status: string;
  checks: Record<string, { ok: boolean; latencyMs: number; error?: string }>;
  providers: Record<string, { name: string; checked: boolean; ok?: boolean; error?: string }>;
  degraded?: string[];
}

let orm: MikroORM;
let connection: Connection;
const world = testWorld('api-health');

beforeAll(async () => {
  orm = await openTestOrm();
  connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
});

afterAll(async () => {
  await connection?.close();
  await orm?.close();
});

async function get(app: ReturnType<typeof createApp>, path: string) {
  const server = await listen(app);
  try {
    const response = await fetch(`${server.url}${path}`);
    return { status: response.status, body: (await response.json()) as HealthBody };
  } finally {
    await server.close();
  }
}

test('/health and /ready report PostgreSQL and Temporal as up', async () => {
  const app = createApp(apiDeps(orm, connection, world));
  const health = await get(app, '/health');
  const up = { ok: true, latencyMs: expect.any(Number) };
  expect(health).toEqual({
    status: 200,
    body: {
      status: 'ok',
      checks: { postgres: up, temporal: up },
      // The embedded providers: their folders are writable; local speech-to-text has its model (npm test installs it).
      providers: { chat: { name: 'log', checked: true, ...up }, mail: { name: 'outbox', checked: true, ...up }, transcription: { name: 'local', checked: true, ...up }, summarizer: { name: 'local', checked: false }, video: { name: 'none', checked: false } },
    },
  });
  const ready = await get(app, '/ready');
  expect([ready.status, ready.body.degraded]).toEqual([200, []]);
});

test('/ready checks each configured provider: Slack, SMTP, Claude and LiveKit answering are ok; one that does not answer is reported, not fatal', async () => {
  const [slack, smtp, claude, livekit] = await Promise.all([startFakeSlackApi(), startFakeSmtp(), startFakeAnthropic(), startLocalLiveKit()]);
  const port = await freePort();
  try {
    const configured = testWorld('api-health-providers', {
      SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: slack.url, SMTP_URL: smtp.url, ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url,
      LIVEKIT_URL: livekit.url, LIVEKIT_API_KEY: livekit.apiKey, LIVEKIT_API_SECRET: livekit.apiSecret,
    });
    const ready = await get(createApp(apiDeps(orm, connection, configured)), '/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.providers).toMatchObject({ chat: { name: 'slack', ok: true }, mail: { name: 'smtp', ok: true }, summarizer: { name: 'claude', ok: true }, video: { name: 'livekit', ok: true } });
    expect(ready.body.degraded).toEqual([]);
    expect(slack.calls.map((call) => call.method)).toContain('auth.test');
    expect(claude.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /v1/models/claude-sonnet-4-6']);

    // The LiveKit server answers a key it does not know with 401; a server that is down does not answer at all.
    const wrongKey = testWorld('api-health-livekit-key', { LIVEKIT_URL: livekit.url, LIVEKIT_API_KEY: 'not-its-key', LIVEKIT_API_SECRET: livekit.apiSecret });
    expect((await get(createApp(apiDeps(orm, connection, wrongKey)), '/ready')).body.providers.video).toMatchObject({ name: 'livekit', ok: false, error: expect.stringContaining('401') });
    await livekit.stop();
    const broken = testWorld('api-health-broken', {
      SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: `http://127.0.0.1:${port}/api/`, ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url, ANTHROPIC_MODEL: 'gpt-typo',
      LIVEKIT_URL: livekit.url, LIVEKIT_API_KEY: livekit.apiKey, LIVEKIT_API_SECRET: livekit.apiSecret,
    });
    const degraded = await get(createApp(apiDeps(orm, connection, broken)), '/ready');
    expect([degraded.status, degraded.body.status, degraded.body.degraded]).toEqual([200, 'ready', ['chat', 'summarizer', 'video']]);
    expect(degraded.body.providers.video).toMatchObject({ name: 'livekit', ok: false, error: expect.stringContaining('ECONNREFUSED') });
    expect(degraded.body.providers.chat).toMatchObject({ name: 'slack', ok: false, error: expect.any(String) });
    expect(degraded.body.providers.summarizer).toMatchObject({ name: 'claude', ok: false, error: expect.stringContaining('gpt-typo') });
    expect((await get(createApp(apiDeps(orm, connection, broken)), '/health')).body.status).toBe('degraded');
  } finally {
    await Promise.all([slack.close(), smtp.close(), claude.close(), livekit.stop()]);
  }
});

test('with Temporal unreachable, /health says degraded and names it, /ready answers 503', async () => {
  // No retry interceptor: a retry timer left pending at close would throw into whichever suite runs next.
  const unreachable = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500, interceptors: [] });
  const app = createApp(apiDeps(orm, unreachable, world));
  const health = await get(app, '/health');
  expect(health.status).toBe(200);
  expect(health.body.status).toBe('degraded');
  expect(health.body.checks.postgres.ok).toBe(true);
  expect(health.body.checks.temporal).toMatchObject({ ok: false, error: expect.any(String) });
  const ready = await get(app, '/ready');
  expect([ready.status, ready.body.status]).toEqual([503, 'not_ready']);
  await unreachable.close();
});

test('an unknown route answers a JSON 404 that names it', async () => {
  const app = createApp(apiDeps(orm, connection, world));
  expect(await get(app, '/nope')).toMatchObject({ status: 404, body: { type: 'urn:meetflow:problem:not_found', code: 'not_found', status: 404, detail: 'No route for GET /nope (see /openapi.json or /docs)' } });
});

test('/metrics exposes request counts and latency by route pattern and status (Prometheus text format)', async () => {
  const app = createApp(apiDeps(orm, connection, world));
  const server = await listen(app);
  try {
    await fetch(`${server.url}/health`);
    await fetch(`${server.url}/meetings/6f1d2c3b-0000-4000-8000-000000000000`);
    const response = await fetch(`${server.url}/metrics`);
    const text = await response.text();
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(text).toMatch(/meetflow_http_requests_total\{method="GET",route="\/health",status="200"\} 1/);
    expect(text).toMatch(/meetflow_http_requests_total\{method="GET",route="\/meetings\/:id",status="401"\} 1/);
    expect(text).toContain('meetflow_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/health"}');
    expect(text).toContain('meetflow_api_process_resident_memory_bytes');
  } finally {
    await server.close();
  }
});

test('/metrics keeps no series per raw path: requests no route matched count as "unmatched", whatever their status', async () => {
  const app = createApp(apiDeps(orm, connection, world));
  const server = await listen(app);
  try {
    const statuses: number[] = [];
    for (const method of ['PROPFIND', 'GET', 'DELETE']) statuses.push((await fetch(`${server.url}/probe-${method.toLowerCase()}-${unique('path')}`, { method })).status);
    statuses.push((await fetch(`${server.url}/probe-json-${unique('path')}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' })).status);
    expect(statuses.some((status) => status !== 404)).toBe(true);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).not.toContain('/probe-');
    expect(text).toMatch(/meetflow_http_requests_total\{method="GET",route="unmatched",status="404"\} 1/);
  } finally {
    await server.close();
  }
});
