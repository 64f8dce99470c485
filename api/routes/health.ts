import Router from '@koa/router';
import type { ApiDeps } from '../app';

export interface DependencyCheck {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs one dependency check, bounded so a hung dependency cannot hang the probe. */
async function timed(check: () => Promise<unknown>): Promise<DependencyCheck> {
  const started = performance.now();
  try {
    await withTimeout(check(), CHECK_TIMEOUT_MS);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: error instanceof Error ? error.message : String(error) };
  }
}

async function checkDependencies(deps: ApiDeps) {
  const [postgres, temporal] = await Promise.all([
    timed(() => deps.orm.em.getConnection().execute('select 1')),
    // A gRPC deadline, not just a race: an abandoned call would go on retrying in the background.
    timed(() => deps.temporalConnection.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () => deps.temporalConnection.healthService.check({}))),
  ]);
  return { postgres, temporal };
}

export function healthRoutes(deps: ApiDeps): Router {
  const router = new Router();
  // Liveness: answers while the process serves requests, and says how its dependencies are doing.
  router.get('/health', async (ctx) => {
    const checks = await checkDependencies(deps);
    const healthy = Object.values(checks).every((check) => check.ok);
    ctx.body = { status: healthy ? 'ok' : 'degraded', checks };
  });
  // Readiness: 503 until every dependency answers, so a load balancer holds traffic back.
  router.get('/ready', async (ctx) => {
    const checks = await checkDependencies(deps);
    const ready = Object.values(checks).every((check) => check.ok);
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not_ready', checks };
  });
  return router;
}
