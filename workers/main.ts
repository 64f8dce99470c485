import { GracefulShutdownPeriodExpiredError, Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';
import { Client, Connection } from '@temporalio/client';
import { config } from '../config';
import { createLogger } from '../config/logger';
import { temporalConnectionSettings } from '../config/temporal-connection';
import { openOrm } from '../db/orm';
import { createProviders, describeProviders } from '../integrations';
import { releaseRecorderRuntime } from '../integrations/video/recorder/room-recorder';
import { createMeetflowWorker, workerTuning } from './create-worker';
import { activityLogFields, temporalLogger } from './logging';
import { ensureMaintenanceSchedules } from './schedules';
import { connectWorker } from './temporal';

function installRuntime(log: Logger, metricsPort: number): void {
  Runtime.install({
    logger: temporalLogger(log),
    // Temporal's own worker metrics for Prometheus, at http://<worker>:<port>/metrics.
    ...(metricsPort ? { telemetryOptions: { metrics: { prometheus: { bindAddress: `0.0.0.0:${metricsPort}` } } } } : {}),
  });
}

async function main(): Promise<void> {
  const cfg = config();
  const log = createLogger('worker', activityLogFields);
  installRuntime(log, cfg.WORKER_METRICS_PORT);
  const orm = await openOrm(cfg.DATABASE_URL);
  const connection = await connectWorker(cfg);
  const providers = createProviders(cfg, log);
  const worker = await createMeetflowWorker({
    connection,
    orm,
    providers,
    log,
    publicUrl: cfg.PUBLIC_URL,
    timeZone: cfg.DEFAULT_TIME_ZONE,
    summaryMaxAttempts: cfg.SUMMARY_MAX_ATTEMPTS,
    dataDir: cfg.DATA_DIR,
    recordingConsentDefault: cfg.RECORDING_CONSENT_DEFAULT,
    shutdownGraceSeconds: cfg.WORKER_SHUTDOWN_GRACE_SECONDS,
    namespace: cfg.TEMPORAL_NAMESPACE,
    taskQueue: cfg.TEMPORAL_TASK_QUEUE,
    tuning: workerTuning(cfg),
  });
  const client = await Connection.connect(temporalConnectionSettings(cfg));
  const schedules = await ensureMaintenanceSchedules(new Client({ connection: client, namespace: cfg.TEMPORAL_NAMESPACE }), cfg);
  await client.close();
  log.info({ taskQueue: cfg.TEMPORAL_TASK_QUEUE, temporal: cfg.TEMPORAL_ADDRESS, providers: describeProviders(providers), maintenance: schedules }, 'worker started');
  // The SDK's runtime shuts the worker down on SIGINT/SIGTERM: no new tasks, running activities get the grace time.
  try {
    await worker.run();
  } catch (error) {
    if (!(error instanceof GracefulShutdownPeriodExpiredError)) throw error;
    log.error({ activitiesRunning: worker.getStatus().numInFlightActivities }, 'activities still running past the shutdown grace time and its margin: exiting without them (Temporal retries them on another worker)');
    process.exit(1);
  }
  const closing = (async () => {
    await releaseRecorderRuntime();
    await connection.close();
    await orm.close();
  })();
  if (!(await settlesWithin(closing, CLOSE_WITHIN_MS))) log.warn(`closing the worker's connections took over ${CLOSE_WITHIN_MS} ms; exiting anyway`);
  log.info('worker stopped');
  // Exit now: a handle some library left open (a timer, a keep-alive socket) must not keep a stopped worker resident.
  process.exit(0);
}

const CLOSE_WITHIN_MS = 10_000;

async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([work.then(() => true), late]).finally(() => clearTimeout(timer));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
