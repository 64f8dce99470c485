import { App, LogLevel } from '@slack/bolt';
import type { BotDeps } from './deps';
import { registerListeners } from './listeners';
import { trackInFlight } from './middleware';
import { dedupeEvents, slackReceiver } from './replay';
import { WORK_SLOTS, workSlots } from './work-slots';

export type { BotDeps } from './deps';

/**
 * The Bolt app. HTTP mode by default (each request's signature verified, and its timestamp within five minutes
 * of our clock either way: bot/replay.ts); Socket Mode when SLACK_APP_TOKEN is set, for workspaces without a
 * public URL. A request handled before (a replay, or a retry by Slack) changes nothing.
 */
export function createBotApp(deps: BotDeps & { signingSecret: string }): App & { drain: (timeoutMs: number) => Promise<number> } {
  const app = new App({
    token: deps.cfg.SLACK_BOT_TOKEN,
    tokenVerificationEnabled: false,
    logLevel: LogLevel.WARN,
    clientOptions: { slackApiUrl: deps.cfg.SLACK_API_URL, retryConfig: { retries: 1 } },
    ...(deps.cfg.SLACK_APP_TOKEN ? { socketMode: true, appToken: deps.cfg.SLACK_APP_TOKEN } : { receiver: slackReceiver(deps.signingSecret) }),
  });
  const drain = trackInFlight(app);
  app.use(dedupeEvents(deps));
  registerListeners(app, { ...deps, workSlots: workSlots(WORK_SLOTS) });
  app.error(async (error) => {
    deps.log.error({ err: error }, 'slack bot error');
  });
  return Object.assign(app, { drain });
}
