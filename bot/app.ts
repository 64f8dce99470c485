import type { MikroORM } from '@mikro-orm/postgresql';
import { App, LogLevel } from '@slack/bolt';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { registerActions } from './actions';
import { meetCommand } from './commands/meet';
import { dedupeEvents, registerHome } from './home';
import { registerScheduleModal } from './schedule-modal';

export interface BotDeps {
  cfg: Config;
  orm: MikroORM;
  temporal: Client;
  log: Logger;
}

/**
 * The Bolt app. HTTP mode by default (Bolt verifies each request's signature and rejects requests older than
 * five minutes); Socket Mode when SLACK_APP_TOKEN is set, for workspaces without a public URL.
 */
export function createBotApp(deps: BotDeps & { signingSecret: string }): App {
  const app = new App({
    signingSecret: deps.signingSecret,
    token: deps.cfg.SLACK_BOT_TOKEN,
    tokenVerificationEnabled: false,
    logLevel: LogLevel.WARN,
    clientOptions: { slackApiUrl: deps.cfg.SLACK_API_URL, retryConfig: { retries: 1 } },
    ...(deps.cfg.SLACK_APP_TOKEN ? { socketMode: true, appToken: deps.cfg.SLACK_APP_TOKEN } : {}),
  });
  dedupeEvents(app);
  app.command('/meet', meetCommand(deps));
  registerActions(app, deps);
  registerHome(app, deps);
  registerScheduleModal(app, deps);
  app.error(async (error) => {
    deps.log.error({ err: error }, 'slack bot error');
  });
  return app;
}
