import { Client, Connection } from '@temporalio/client';
import { config } from '../config';
import { createLogger } from '../config/logger';
import { temporalConnectionSettings } from '../config/temporal-connection';
import { openOrm } from '../db/orm';
import { createAnswerer } from '../integrations';
import { createBotApp } from './app';

/** How long handlers that already acknowledged Slack may finish after SIGTERM. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const cfg = config();
  const log = createLogger('bot');
  const signingSecret = cfg.SLACK_SIGNING_SECRET;
  if (!signingSecret || !cfg.SLACK_BOT_TOKEN) {
    log.info('Slack bot skipped: set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN to run it (see "Connect Slack" in the README)');
    return;
  }
  const orm = await openOrm(cfg.DATABASE_URL);
  const connection = await Connection.connect(temporalConnectionSettings(cfg));
  const temporal = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE });
  const app = createBotApp({ cfg, orm, temporal, log, signingSecret, answerer: createAnswerer(cfg) });
  await app.start(cfg.BOT_PORT);
  log.info({ port: cfg.BOT_PORT, mode: cfg.SLACK_APP_TOKEN ? 'socket' : 'http' }, 'slack bot listening');
  const stop = async () => {
    log.info('slack bot stopping: answering requests in flight, taking no new ones');
    await app.stop();
    const cutOff = await app.drain(SHUTDOWN_GRACE_MS);
    if (cutOff) log.warn({ cutOff }, 'slack bot stopped with handlers still running');
    await connection.close();
    await orm.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
