import type { MikroORM } from '@mikro-orm/postgresql';
import { Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import { apiDeps } from '../helpers/api';
import { openTestOrm } from '../helpers/db';
import { listen } from '../helpers/http';
import { testWorld } from '../helpers/worker';

interface HealthBody {
  status: string;
  checks: Record<string, { ok: boolean; latencyMs: number; error?: string }>;
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
  expect(health).toEqual({
    status: 200,
    body: { status: 'ok', checks: { postgres: { ok: true, latencyMs: expect.any(Number) }, temporal: { ok: true, latencyMs: expect.any(Number) } } },
  });
  expect((await get(app, '/ready')).status).toBe(200);
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
