import Router from '@koa/router';
import type { Providers } from '../../integrations';
import type { ApiDeps } from '../deps';

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

export interface ProviderCheck extends Partial<DependencyCheck> {
  name: string;
  /** False for providers with nothing cheap to ask (the embedded sidecar transcription, Google Speech). */
  checked: boolean;
}

/** Provider answers are kept this long, so frequent probes do not become a load on Slack, Anthropic or SMTP. */
const PROVIDER_CHECK_TTL_MS = 15_000;

/** Checks each configured provider (cached for PROVIDER_CHECK_TTL_MS; callers at the same time share one check). */
function providerChecker(providers: Providers) {
  const cache = new Map<string, { at: number; result: Promise<ProviderCheck> }>();
  const checkOne = (kind: string, provider: { name: string; check?: () => Promise<void> }) => {
    const cached = cache.get(kind);
    if (cached && Date.now() - cached.at < PROVIDER_CHECK_TTL_MS) return cached.result;
    const result = provider.check
      ? timed(() => provider.check!()).then((check) => ({ name: provider.name, checked: true, ...check }))
      : Promise.resolve({ name: provider.name, checked: false });
    cache.set(kind, { at: Date.now(), result });
    return result;
  };
  return async (): Promise<Record<string, ProviderCheck>> => {
    const kinds = (['chat', 'mail', 'transcription', 'summarizer', 'video'] as const).filter((kind) => providers[kind]);
    const results = await Promise.all(kinds.map((kind) => checkOne(kind, providers[kind])));
    return Object.fromEntries(kinds.map((kind, i) => [kind, results[i]]));
  };
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
  const checkProviders = providerChecker(deps.providers);
  const failing = (providers: Record<string, ProviderCheck>) => Object.keys(providers).filter((kind) => providers[kind].ok === false);
  // Liveness: answers while the process serves requests, and says how its dependencies are doing.
  router.get('/health', async (ctx) => {
    const [checks, providers] = await Promise.all([checkDependencies(deps), checkProviders()]);
    const healthy = Object.values(checks).every((check) => check.ok) && failing(providers).length === 0;
    ctx.body = { status: healthy ? 'ok' : 'degraded', checks, providers };
  });
  // Readiness: 503 until PostgreSQL and Temporal answer, so a load balancer holds traffic back. A provider that
  // fails is reported (degraded) but does not take the API out: meetings queue up in Temporal and their
  // activities retry until the provider is back, so serving requests is still right.
  router.get('/ready', async (ctx) => {
    const [checks, providers] = await Promise.all([checkDependencies(deps), checkProviders()]);
    const ready = Object.values(checks).every((check) => check.ok);
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not_ready', checks, providers, degraded: failing(providers) };
  });
  return router;
}
