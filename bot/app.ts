import { App, LogLevel } from '@slack/bolt';
import type { Config } from '../config';

export const HELP_TEXT = [
  '*Meetflow* runs your meetings from invite to summary.',
  '`/meet schedule <title> <when> with @people`: schedule a meeting',
  '`/meet help`: this message',
].join('\n');

/** The Bolt app in HTTP mode (signed requests on /slack/events). */
export function createBotApp(cfg: Config & { SLACK_SIGNING_SECRET: string }): App {
  const app = new App({
    signingSecret: cfg.SLACK_SIGNING_SECRET,
    token: cfg.SLACK_BOT_TOKEN,
    tokenVerificationEnabled: false,
    logLevel: LogLevel.WARN,
    clientOptions: cfg.SLACK_API_URL ? { slackApiUrl: cfg.SLACK_API_URL } : undefined,
  });
  app.command('/meet', async ({ ack }) => {
    await ack({ response_type: 'ephemeral', text: HELP_TEXT });
  });
  return app;
}
