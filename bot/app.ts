import { App, LogLevel } from '@slack/bolt';
import type { BotDeps } from './deps';
import { registerListeners } from './listeners';
import { dedupeEvents, trackInFlight } from './middleware';

export type { BotDeps } from './deps';

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
  registerListeners(app, deps);
  app.error(async (error) => {
    deps.log.error({ err: error }, 'slack bot error');
  });
  return Object.assign(app, { drain });
}
