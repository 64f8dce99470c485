import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client, Connection } from '@temporalio/client';
import Koa from 'koa';
import type { Logger } from 'pino';
import { errorHandler } from './middleware/errors';
import { healthRoutes } from './routes/health';

export interface ApiDeps {
  orm: MikroORM;
  temporal: Client;
  temporalConnection: Connection;
  log: Logger;
}

/** Builds the Koa app from its dependencies; main.ts listens, tests call it in-process. */
export function createApp(deps: ApiDeps): Koa {
  const app = new Koa();
  app.proxy = true;
  app.use(errorHandler((error) => deps.log.error({ err: error }, 'unhandled error')));
  const health = healthRoutes(deps);
  app.use(health.routes()).use(health.allowedMethods());
  return app;
}
