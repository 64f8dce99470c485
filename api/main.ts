import { Client, Connection } from '@temporalio/client';
import { config } from '../config';
import { createLogger } from '../config/logger';
import { temporalConnectionSettings } from '../config/temporal-connection';
import { openOrm } from '../db/orm';
import { SessionCache } from '../db/session-cache';
import { createProviders } from '../integrations';
import { createApp, DEFAULT_LIMITS } from './app';

/** How long shutdown waits for request handlers whose clients have gone. */
const SHUTDOWN_HANDLERS_MS = 15_000;

async function main(): Promise<void> {
  const cfg = config();
  const log = createLogger('api');
  const orm = await openOrm(cfg.DATABASE_URL);
  const connection = await Connection.connect(temporalConnectionSettings(cfg));
  const temporal = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE });
  const providers = createProviders(cfg, log);
  const sessions = await SessionCache.start(cfg.DATABASE_URL, log, { seconds: cfg.SESSION_CACHE_SECONDS });
  const app = createApp({ orm, temporal, temporalConnection: connection, log, cfg, limits: DEFAULT_LIMITS, providers, sessions });
  const server = app.listen(cfg.API_PORT, cfg.API_HOST, () => {
    log.info({ url: `http://localhost:${cfg.API_PORT}` }, 'api listening');
  });

  const stop = () => {
    log.info('api stopping: finishing in-flight requests');
    server.close(async () => {
      // Handlers of clients that hung up are not connections close() waits for.
      if (!(await app.inFlight.settled(SHUTDOWN_HANDLERS_MS))) log.warn({ running: app.inFlight.size }, 'api stopping with requests still running');
      await connection.close();
      await sessions.stop();
      await orm.close();
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
