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
export function createBotApp(deps: BotDeps & { signingSecret: string }): App & { drain: (timeoutMs: number) => Promise<number> } {
  const app = new App({
    signingSecret: deps.signingSecret,
    token: deps.cfg.SLACK_BOT_TOKEN,
    tokenVerificationEnabled: false,
    logLevel: LogLevel.WARN,
    clientOptions: { slackApiUrl: deps.cfg.SLACK_API_URL, retryConfig: { retries: 1 } },
    ...(deps.cfg.SLACK_APP_TOKEN ? { socketMode: true, appToken: deps.cfg.SLACK_APP_TOKEN } : {}),
  });
  const drain = trackInFlight(app);
  dedupeEvents(app);
  app.command('/meet', meetCommand(deps));
  registerActions(app, deps);
  registerHome(app, deps);
  registerScheduleModal(app, deps);
  app.error(async (error) => {
    deps.log.error({ err: error }, 'slack bot error');
  });
  return Object.assign(app, { drain });
}

/**
 * Bolt acknowledges a command at once and goes on working after the HTTP answer (looking people up, starting
 * the workflow, replying): a shutdown must wait for that work, not only for open requests.
 */
function trackInFlight(app: App): (timeoutMs: number) => Promise<number> {
  const inFlight = new Set<Promise<void>>();
  app.use(async ({ next }) => {
    const work = next();
    inFlight.add(work);
    try {
      await work;
    } finally {
      inFlight.delete(work);
    }
  });
  /** Waits (at most timeoutMs) for the handlers still running; returns how many were cut off. */
  return async (timeoutMs) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.allSettled([...inFlight]), timeout]);
    clearTimeout(timer);
    return inFlight.size;
  };
}
