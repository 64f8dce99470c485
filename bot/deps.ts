import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { CommandDeps } from '../commands/types';
import type { Config } from '../config';

/** What the bot is built from (bot/app.ts createBotApp). */
export interface BotDeps {
  cfg: Config;
  orm: MikroORM;
  temporal: Client;
  log: Logger;
}

/** A command's dependencies for one Slack request, on that request's own EntityManager. */
export const commandDeps = (deps: BotDeps, em: EntityManager): CommandDeps => ({ em, temporal: deps.temporal, cfg: deps.cfg });
