import { config } from '../config';
import { createLogger } from '../config/logger';
import { openOrm } from '../db/orm';
import { createMeetflowWorker } from './create-worker';
import { connectWorker } from './temporal';

async function main(): Promise<void> {
  const cfg = config();
  const log = createLogger('worker');
  const orm = await openOrm(cfg.DATABASE_URL);
  const connection = await connectWorker(cfg);
  const worker = await createMeetflowWorker({ connection, orm, namespace: cfg.TEMPORAL_NAMESPACE, taskQueue: cfg.TEMPORAL_TASK_QUEUE });
  log.info({ taskQueue: cfg.TEMPORAL_TASK_QUEUE, temporal: cfg.TEMPORAL_ADDRESS }, 'worker started');
  // The SDK's runtime shuts the worker down on SIGINT/SIGTERM, letting running activities finish.
  await worker.run();
  await connection.close();
  await orm.close();
  log.info('worker stopped');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
