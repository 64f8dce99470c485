import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client, Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import type { CommandDeps } from '../commands/types';
import type { Config } from '../config';
import type { SessionCache } from '../db/session-cache';
import type { Providers } from '../integrations';

/** What the API is built from (api/app.ts createApp); main.ts makes the real ones, tests their own. */
export interface ApiDeps {
  orm: MikroORM;
  temporal: Client;
  temporalConnection: Connection;
  log: Logger;
  cfg: Config;
  limits: Limits;
  /** Every configured provider: join tokens come from the video provider; /health and /ready check them all. */
  providers: Providers;
  /** Live sessions kept in memory (api/main.ts starts one); without it every request reads its session. */
  sessions?: SessionCache;
}

/** Attempts allowed before a 429 (api/routes/auth.ts). */
export interface Limits {
  /** Failed sign-ins for one email from one IP, per 15 minutes: the owner elsewhere is not locked out by a stranger. */
  loginPerEmail: number;
  /** Password and link attempts from one IP, per 15 minutes. */
  loginPerIp: number;
  /** Failed sign-ins for one email from all IPs together, per hour (unset: 10 × loginPerEmail). */
  loginPerEmailAnyIp?: number;
  /** Accounts registered from one IP, per hour (unset: loginPerIp). */
  registerPerIp?: number;
}

export const DEFAULT_LIMITS: Limits = { loginPerEmail: 5, loginPerIp: 30, loginPerEmailAnyIp: 50, registerPerIp: 10 };

/** A command's dependencies for this request (orm.em is the request's own EntityManager: RequestContext). */
export const commandDeps = (deps: ApiDeps): CommandDeps => ({ em: deps.orm.em, temporal: deps.temporal, cfg: deps.cfg });
