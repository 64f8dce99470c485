import type { MikroORM } from '@mikro-orm/postgresql';
import { type NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities } from '../activities';
import { workerMetrics } from '../activities/metrics';
import { instrumentProviders } from '../integrations/instrument';
import type { Config, RecordingConsentDefault } from '../config';
import type { Providers } from '../integrations';

export interface MeetflowWorkerOptions {
  connection: NativeConnection;
  orm: MikroORM;
  providers: Providers;
  log: Logger;
  publicUrl: string;
  timeZone: string;
  /** Attempts of the configured summarizer before the local one takes over (default 4). */
  summaryMaxAttempts?: number;
  namespace: string;
  taskQueue: string;
  /** How long running activities may finish after a shutdown request (default 30 s). */
  shutdownGraceSeconds?: number;
  /** Local state (DATA_DIR): recordings made by Meetflow's own recorder go under it. */
  dataDir?: string;
  /** Recording consent for people who have not answered (RECORDING_CONSENT_DEFAULT). */
  recordingConsentDefault?: RecordingConsentDefault;
  /** A prebuilt bundle (tests build one once); otherwise the worker bundles workflows/ at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  tuning?: Pick<WorkerOptions, 'maxConcurrentActivityTaskExecutions' | 'maxCachedWorkflows' | 'maxConcurrentWorkflowTaskExecutions' | 'stickyQueueScheduleToStartTimeout'>;
}

/** After the grace time, how long cancelled activities and the last workflow tasks may take before the worker gives up. */
const SHUTDOWN_FORCE_MARGIN_SECONDS = 15;

export async function createMeetflowWorker(options: MeetflowWorkerOptions): Promise<Worker> {
  const graceSeconds = options.shutdownGraceSeconds ?? 30;
  const workflowSource = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : { workflowsPath: require.resolve('../workflows') };
  // Meetflow's metrics go through Temporal's meter: one Prometheus endpoint for the SDK's and ours.
  const metrics = workerMetrics(Runtime.instance().metricMeter);
  const providers = instrumentProviders(options.providers, metrics);
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities({ ...options, providers, metrics, summaryMaxAttempts: options.summaryMaxAttempts ?? 4 }),
    ...workflowSource,
    shutdownGraceTime: `${graceSeconds} seconds`,
    // Past the grace time and a margin for the last workflow tasks, run() throws: a worker always ends.
    shutdownForceTime: `${graceSeconds + SHUTDOWN_FORCE_MARGIN_SECONDS} seconds`,
    ...options.tuning,
  });
}

/** What the operator set (and the measured sticky-queue timeout): the SDK keeps its own defaults for the rest. */
export function workerTuning(cfg: Config): MeetflowWorkerOptions['tuning'] {
  return {
    stickyQueueScheduleToStartTimeout: `${cfg.WORKER_STICKY_QUEUE_TIMEOUT_SECONDS} seconds`,
    ...(cfg.WORKER_MAX_CONCURRENT_ACTIVITIES ? { maxConcurrentActivityTaskExecutions: cfg.WORKER_MAX_CONCURRENT_ACTIVITIES } : {}),
    ...(cfg.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS ? { maxConcurrentWorkflowTaskExecutions: cfg.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS } : {}),
    ...(cfg.WORKER_MAX_CACHED_WORKFLOWS !== undefined ? { maxCachedWorkflows: cfg.WORKER_MAX_CACHED_WORKFLOWS } : {}),
  };
}
