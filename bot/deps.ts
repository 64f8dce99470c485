import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { CommandDeps } from '../commands/types';
import type { Config } from '../config';
import type { Answerer } from '../integrations/answerer/types';
import type { WorkSlots } from './work-slots';

/** What the bot is built from (bot/app.ts createBotApp). */
export interface BotDeps {
  cfg: Config;
  orm: MikroORM;
  temporal: Client;
  log: Logger;
  /** Writes answers to `/meet ask` (integrations createAnswerer); unset: the matching lines are quoted. */
  answerer?: Answerer | undefined;
  /** Set by createBotApp: where listeners do their work after the ack (bot/work-slots.ts). */
  workSlots?: WorkSlots;
}

/** A command's dependencies for one Slack request, on that request's own EntityManager. */
export const commandDeps = (deps: BotDeps, em: EntityManager): CommandDeps => ({ em, temporal: deps.temporal, cfg: deps.cfg });
