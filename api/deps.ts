import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client, Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import type { CommandDeps } from '../commands/types';
import type { Config } from '../config';
import type { Providers } from '../integrations';

/** What the API is built from (api/app.ts createApp); main.ts makes the real ones, tests their own. */
export interface ApiDeps {
  orm: MikroORM;
  temporal: Client;
  temporalConnection: Connection;
  log: Logger;
  cfg: Config;
  limits: { loginPerEmail: number; loginPerIp: number };
  /** Every configured provider: join tokens come from the video provider; /health and /ready check them all. */
  providers: Providers;
}

export const DEFAULT_LIMITS = { loginPerEmail: 5, loginPerIp: 30 };

/** A command's dependencies for this request (orm.em is the request's own EntityManager: RequestContext). */
export const commandDeps = (deps: ApiDeps): CommandDeps => ({ em: deps.orm.em, temporal: deps.temporal, cfg: deps.cfg });
