import type { MikroORM } from '@mikro-orm/postgresql';
import { Client, type Connection } from '@temporalio/client';
import pino from 'pino';
import { createApp, DEFAULT_LIMITS, type ApiDeps } from '../../api/app';
import { SessionCache } from '../../db/session-cache';
import { unique } from './db';
import { listen } from './http';
import { startWorkerStack, type TestWorld, type WorkerStack } from './worker';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestApi {
  url: string;
  call: <T = any>(method: string, path: string, options?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> }) => Promise<ApiResponse<T>>;
  close: () => Promise<void>;
}

export function apiDeps(orm: MikroORM, connection: Connection, world: TestWorld, overrides: Partial<ApiDeps> = {}): ApiDeps {
  return {
    orm,
    temporal: new Client({ connection }),
    temporalConnection: connection,
    log: pino({ level: 'silent' }),
    cfg: { ...world.cfg, TEMPORAL_TASK_QUEUE: world.taskQueue },
    // A test file signs up more people from 127.0.0.1 than the registration limit allows one IP in an hour.
    limits: { ...DEFAULT_LIMITS, registerPerIp: 10_000 },
    providers: world.providers,
    ...overrides,
  };
}

/**
 * The real Koa app on a loopback port, called over HTTP with fetch, as a client would. Like api/main.ts it keeps
 * live sessions in memory, listening on the app's own database, unless the deps bring their own session cache.
 */
export async function startApi(deps: ApiDeps): Promise<TestApi> {
  const ownCache = deps.sessions ? undefined : await SessionCache.start(deps.orm.config.getClientUrl(), deps.log, { seconds: 60 });
  const app = createApp({ ...deps, sessions: deps.sessions ?? ownCache });
  const server = await listen(app);
  return {
    url: server.url,
    close: async () => {
      await server.close();
      // A request the test gave up on may still be talking to Temporal: the test closes that connection next.
      if (!(await app.inFlight.settled(30_000))) throw new Error(`${app.inFlight.size} API requests still running 30 s after close`);
      await ownCache?.stop();
    },
    call: async (method, path, options = {}) => {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      if (options.body !== undefined || options.rawBody !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${server.url}${path}`, { method, headers, body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)) });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
    },
  };
}

/** Registers a fresh user through the API and returns its token. */
export async function signUp(api: TestApi, name = 'Test User'): Promise<{ token: string; user: { id: string; email: string; name: string } }> {
  const email = `${unique(name.split(' ')[0].toLowerCase())}@example.test`;
  const response = await api.call('POST', '/auth/register', { body: { email, password: 'correct horse battery', name } });
  if (response.status !== 201) throw new Error(`sign-up failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

export interface ApiStack extends WorkerStack {
  api: TestApi;
}

/** The dev server, the test database, a running worker and the API on top of them, for one test file. */
export async function startApiStack(world: TestWorld): Promise<ApiStack> {
  const stack = await startWorkerStack(world);
  const api = await startApi(apiDeps(stack.orm, stack.env.connection, world));
  return {
    ...stack,
    api,
    stop: async () => {
      await api.close();
      await stack.stop();
    },
  };
}
