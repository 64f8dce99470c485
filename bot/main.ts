import { config } from '../config';
import { createLogger } from '../config/logger';
import { createBotApp } from './app';

async function main(): Promise<void> {
  const cfg = config();
  const log = createLogger('bot');
  const signingSecret = cfg.SLACK_SIGNING_SECRET;
  if (!signingSecret) {
    log.info('Slack bot skipped: set SLACK_SIGNING_SECRET (and SLACK_BOT_TOKEN) to run it');
    return;
  }
  const app = createBotApp({ ...cfg, SLACK_SIGNING_SECRET: signingSecret });
  await app.start(cfg.BOT_PORT);
  log.info({ port: cfg.BOT_PORT }, 'slack bot listening (HTTP mode)');
  const stop = async () => {
    await app.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
