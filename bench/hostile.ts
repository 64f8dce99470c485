/**
 * bench/hostile: 10,000 generated hostile requests (BENCH_HOSTILE_REQUESTS) at every route of the real API, the
 * generator of test/integration/api/hostile-routes.test.ts (NUL bytes, over-long strings, extreme dates, forged
 * cursors, unusual methods, wrong JSON types, huge declared lengths). Prints the answers by status class, each
 * failure (a 5xx, no answer, a refusal without a problem body), and the same run's baseline: the same number of
 * plain GET /health requests over the same raw sockets. Done when the 5xx and no-answer counts are 0.
 * Talks to the dev server and its own database (meetflow_bench); its workflows are terminated at the end.
 */
import fc from 'fast-check';
import { createApp } from '../api/app';
import { User } from '../db/entities';
import { createProviders } from '../integrations';
import type { AddressInfo } from 'node:net';
import { countByClass, hostileRequests, problemsWith, routesOf, sendRaw, type HostileRequest } from '../test/helpers/hostile-requests';
import { startBenchStack } from './lib/bench-env';
import { reportFigures } from './lib/figures';

const REQUESTS = Number(process.env.BENCH_HOSTILE_REQUESTS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_HOSTILE_CONCURRENCY ?? 8);
const SEED = Number(process.env.BENCH_HOSTILE_SEED ?? 20261201);

async function inParallel<T, R>(items: T[], concurrency: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await run(items[index]);
      }
    }),
  );
  return results;
}

/** The API on a loopback port; closing it also drops connections still open (a request whose client gave up). */
function serve(app: ReturnType<typeof createApp>): Promise<{ url: string; close: () => void }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => {
          server.close();
          server.closeAllConnections();
        },
      }),
    );
  });
}

async function main(): Promise<void> {
  const { cfg, orm, log, connection, temporal, stop } = await startBenchStack('hostile', { LIVEKIT_API_KEY: 'APIbenchhostile', LIVEKIT_API_SECRET: 'bench-hostile-secret-bench-hostile-secret' });
  const api = await serve(createApp({ orm, temporal, temporalConnection: connection, log, cfg, limits: { loginPerEmail: 1e9, loginPerIp: 1e9 }, providers: createProviders(cfg, log) }));
  const post = async <T>(path: string, body: unknown, token?: string) => {
    const response = await fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    return (await response.json()) as T;
  };
  type Session = { token: string; user: { id: string; email: string } };
  const stamp = Date.now();
  const user = await post<Session>('/auth/register', { email: `hostile-${stamp}@bench.test`, password: 'benchmark password', name: 'Hostile Bench' });
  const admin = await post<Session>('/auth/register', { email: `hostile-admin-${stamp}@bench.test`, password: 'benchmark password', name: 'Hostile Admin' });
  await orm.em.fork().nativeUpdate(User, admin.user.id, { role: 'admin' });
  const meeting = await post<{ meeting: { id: string } }>('/meetings', { title: 'Hostile bench', start: new Date(Date.now() + 86_400_000).toISOString(), settings: { reminderMinutesBefore: 0 } }, user.token);
  const tokens: Record<HostileRequest['as'], string | undefined> = { nobody: undefined, user: user.token, admin: admin.token, forged: 'mf_forged_0000000000000000000000000000' };

  const routes = routesOf((await (await fetch(`${api.url}/openapi.json`)).json()) as Parameters<typeof routesOf>[0]);
  const requests = fc.sample(hostileRequests(routes, { meetingId: meeting.meeting.id, email: user.user.email }), { numRuns: REQUESTS, seed: SEED });
  console.log(`${requests.length} hostile requests (seed ${SEED}) at ${routes.length} routes, ${CONCURRENCY} at a time`);

  const started = performance.now();
  const failures: string[] = [];
  const statuses = await inParallel(requests, CONCURRENCY, async (request) => {
    const response = await sendRaw(api.url, request, tokens);
    const what = `${request.method} ${request.target.slice(0, 100)}`;
    for (const problem of problemsWith(request, response)) failures.push(`${what}: ${problem}`);
    if (response.status === 0) failures.push(`${what}: no answer`);
    return response.status;
  });
  const hostileSeconds = (performance.now() - started) / 1000;

  const baselineStarted = performance.now();
  const health: HostileRequest = { method: 'GET', target: '/health', headers: {}, as: 'nobody' };
  const baseline = await inParallel(requests, CONCURRENCY, () => sendRaw(api.url, health, tokens).then((response) => response.status));
  const baselineSeconds = (performance.now() - baselineStarted) / 1000;

  const byClass = countByClass(statuses);
  const byStatus: Record<string, number> = {};
  for (const status of statuses) byStatus[String(status)] = (byStatus[String(status)] ?? 0) + 1;
  console.log(`\nanswers by status class: ${JSON.stringify(byClass)}`);
  console.log(`answers by status: ${JSON.stringify(byStatus)}`);
  console.log(`hostile: ${hostileSeconds.toFixed(1)} s (${(requests.length / hostileSeconds).toFixed(0)} req/s); baseline GET /health: ${baselineSeconds.toFixed(1)} s, ${JSON.stringify(countByClass(baseline))}`);
  console.log(`failures: ${failures.length}`);
  for (const failure of failures.slice(0, 50)) console.log(`  ${failure}`);
  const fivexx = statuses.filter((status) => status >= 500).length;
  const unanswered = statuses.filter((status) => status === 0).length;
  reportFigures('hostile', [
    { figure: `answers >= 500 of ${requests.length} hostile requests`, value: String(fivexx), baseline: `${JSON.stringify(byClass)} (GET /health: ${JSON.stringify(countByClass(baseline))})` },
    { figure: 'hostile requests without an answer', value: String(unanswered), baseline: '0 wanted' },
    { figure: 'refusals without a problem body naming what to fix', value: String(failures.length - fivexx - unanswered), baseline: '0 wanted' },
  ]);

  api.close();
  console.log(`\nterminated ${await stop()} benchmark meeting workflows`);
  if (failures.length) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
