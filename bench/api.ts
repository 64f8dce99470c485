/**
 * bench/api: requests/s and latency of the real API (GET /meetings/:id with and without ?live=true, GET /meetings, POST /meetings, GET /search)
 * beside a bare Koa hello-world in the same process and run: the ratio is what Meetflow's stack costs. The worker runs
 * in a process of its own, as deployed (it shared the API's event loop before 2 December 2026).
 * Talks to the dev server and a database of its own (meetflow_bench); its workflows run on a task queue of their
 * own and are terminated at the end.
 */
import autocannon from 'autocannon';
import Koa from 'koa';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createApp } from '../api/app';
import { openOrm } from '../db/orm';
import { SessionCache } from '../db/session-cache';
import { readPrepared, type PreparedRead } from '../db/prepared';
import { createProviders } from '../integrations';
import { startBenchStack } from './lib/bench-env';
import { reportFigures } from './lib/figures';
import { formatTable } from './lib/table';

const ONE_ROOM: PreparedRead = { name: 'bench-one-room', text: 'select * from rooms where id = $1' };

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);

function listen(app: Koa): Promise<{ url: string; close: () => void }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() }));
  });
}

/** Statements the API sent to PostgreSQL (each a round trip; begin and commit count): its own ORM logs them. */
const sent = { statements: 0 };
/** Turns the ORM's query log (which counts the statements) on or off: off under load, where it cost 5% of the CPU. */
let countStatements: (on: boolean) => void = () => undefined;

/** Statements per request, from requests sent one at a time (under load, those still in flight at the end would count). */
async function statementsPerRequest(options: autocannon.Options, requests = 10): Promise<string> {
  // The load's last requests are still being answered when autocannon returns: wait until the API is quiet.
  countStatements(true);
  for (let last = -1; last !== sent.statements; ) {
    last = sent.statements;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const before = sent.statements;
  for (let i = 0; i < requests; i++) {
    const body = typeof options.body === 'string' ? options.body : undefined;
    await (await fetch(options.url, { method: options.method ?? 'GET', headers: options.headers as Record<string, string> | undefined, body })).arrayBuffer();
  }
  const perRequest = ((sent.statements - before) / requests).toFixed(1);
  countStatements(false);
  return perRequest;
}

async function load(name: string, options: autocannon.Options): Promise<string[]> {
  const stopProfile = await startProfile();
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options });
  await stopProfile(name);
  const errors = result.non2xx + result.errors;
  // What went wrong, when anything did: "2 (1× 503, 1 timeout)".
  const statuses = Object.entries(result.statusCodeStats ?? {}).filter(([code]) => !code.startsWith('2')).map(([code, { count }]) => `${count}× ${code}`);
  const kinds = [...statuses, ...(result.timeouts ? [`${result.timeouts} timeout${result.timeouts === 1 ? '' : 's'}`] : [])];
  const errorCell = errors && kinds.length ? `${errors} (${kinds.join(', ')})` : String(errors);
  return [name, result.requests.average.toFixed(0), String(result.latency.p50), String(result.latency.p99), errorCell, await statementsPerRequest(options)];
}

/** BENCH_PROFILE=<dir> writes a CPU profile of each load (the API and autocannon share this process) for DevTools. */
async function startProfile(): Promise<(name: string) => Promise<void>> {
  const dir = process.env.BENCH_PROFILE;
  if (!dir) return async () => undefined;
  const session = new Session();
  session.connect();
  const post = (method: string) => new Promise<unknown>((resolve, reject) => session.post(method, (error, result) => (error ? reject(error) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.start');
  return async (name) => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${name.replace(/[^\w]+/g, '-')}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  };
}

async function main(): Promise<void> {
  const { cfg, url, log, connection, temporal, stop } = await startBenchStack('api', {}, { ownProcess: true });
  const providers = createProviders(cfg, log);
  // The API's own ORM (the worker's statements are not the API's): it counts what it sends.
  const orm = await openOrm(url, { debug: ['query'], logger: () => (sent.statements += 1) });
  // Through the configuration: every em.fork() re-applies its `debug` option to the logger (MikroORM 6's Configuration.sync).
  countStatements = (on) => orm.config.set('debug', on ? ['query'] : false);
  // As deployed (api/main.ts): live sessions kept in memory, dropped on PostgreSQL's notice of a change.
  const sessions = await SessionCache.start(url, log, { seconds: cfg.SESSION_CACHE_SECONDS });
  const appDeps = { orm, temporal, temporalConnection: connection, log, cfg, limits: { loginPerEmail: 1e9, loginPerIp: 1e9 }, providers };
  const api = await listen(createApp({ ...appDeps, sessions }));
  // The same API reading every request's session (SESSION_CACHE_SECONDS=0): the cache's worth, in the same run.
  const uncached = await listen(createApp(appDeps));
  const bare = new Koa();
  bare.use((ctx) => {
    ctx.body = { hello: 'world' };
  });
  const hello = await listen(bare);
  // The floor of any read route on this machine: HTTP in and out plus one prepared statement on the API's own pool.
  const oneRead = new Koa();
  oneRead.use(async (ctx) => {
    ctx.body = (await readPrepared(orm.em.fork(), ONE_ROOM, [ctx.path.slice(1)]))[0] ?? {};
  });
  const floor = await listen(oneRead);
  // The floor of a create: HTTP in and out plus one workflow start on the same dev server (no row, no worker: each
  // times out on its own a minute later, so nothing is left behind). It runs last, so those timeouts load no other row.
  const oneStart = new Koa();
  oneStart.use(async (ctx) => {
    const handle = await temporal.workflow.start('benchFloor', { taskQueue: `${cfg.TEMPORAL_TASK_QUEUE}-floor`, workflowId: `bench-floor-${randomUUID()}`, workflowExecutionTimeout: '1 minute' });
    ctx.status = 201;
    ctx.body = { workflowId: handle.workflowId };
  });
  const startFloor = await listen(oneStart);

  const email = `bench-${Date.now()}@bench.test`;
  const signUp = await fetch(`${api.url}/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'benchmark password', name: 'Bench User' }) });
  const { token } = (await signUp.json()) as { token: string };
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const meetingBody = () => JSON.stringify({ title: 'Bench meeting', start: new Date(Date.now() + 86_400_000).toISOString(), invitees: ['guest@bench.test'], settings: { reminderMinutesBefore: 0 } });
  const first = (await (await fetch(`${api.url}/meetings`, { method: 'POST', headers: auth, body: meetingBody() })).json()) as { meeting: { id: string } };
  // Enough meetings that GET /meetings answers a full page of 20.
  for (let i = 0; i < 20; i++) await (await fetch(`${api.url}/meetings`, { method: 'POST', headers: auth, body: meetingBody() })).arrayBuffer();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  countStatements(false);

  console.log(`autocannon: ${CONNECTIONS} connections, ${DURATION_S} s each; the API in this process, as deployed: its worker and the dev server in processes of their own on this machine\n`);
  const loads: [string, autocannon.Options][] = [
    ['bare Koa hello-world (baseline)', { url: `${hello.url}/` }],
    ['Koa + one prepared SELECT of the room (floor of a read)', { url: `${floor.url}/${first.meeting.id}` }],
    ['GET /meetings/:id', { url: `${api.url}/meetings/${first.meeting.id}`, headers: auth }],
    ['GET /meetings/:id, session cache off', { url: `${uncached.url}/meetings/${first.meeting.id}`, headers: auth }],
    ['GET /meetings/:id?live=true (workflow query)', { url: `${api.url}/meetings/${first.meeting.id}?live=true`, headers: auth }],
    ['GET /meetings (list, page of 20)', { url: `${api.url}/meetings`, headers: auth }],
    ['GET /search?q=…', { url: `${api.url}/search?q=budget%20review`, headers: auth }],
    ['POST /meetings (row + workflow start)', { url: `${api.url}/meetings`, method: 'POST', headers: auth, body: meetingBody() }],
    ['Koa + one workflow start (floor of a create)', { url: `${startFloor.url}/`, method: 'POST' }],
  ];
  // BENCH_ONLY=<a name, exactly> runs the baseline and that load only (to profile one route).
  const rows: string[][] = [];
  for (const [name, options] of loads) if (rows.length === 0 || !process.env.BENCH_ONLY || name === process.env.BENCH_ONLY) rows.push(await load(name, options));
  console.log(formatTable(['endpoint', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'SQL statements / request'], rows));
  const summary = ([, rps, p50, p99, , statements]: string[]) => `${rps} req/s, p50 ${p50} / p99 ${p99} ms, ${statements} SQL/req`;
  reportFigures('api', rows.slice(1).map((row) => ({ figure: row[0], value: summary(row), baseline: `bare Koa: ${summary(rows[0])}` })));

  api.close();
  uncached.close();
  await sessions.stop();
  hello.close();
  floor.close();
  startFloor.close();
  await orm.close();
  console.log(`\nterminated ${await stop()} benchmark meeting workflows`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
