import type { MikroORM } from '@mikro-orm/postgresql';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createActivities } from '../../activities';
import { loadConfig, type Config } from '../../config';
import { createProviders, type Providers } from '../../integrations';
import { createMeetflowWorker } from '../../workers/create-worker';

type MeetflowWorkerTuning = Parameters<typeof createMeetflowWorker>[0]['tuning'];
import { openTestOrm } from './db';
import { devServerEnvironment, testTaskQueue, workflowBundle } from './temporal';

export interface TestWorld {
  cfg: Config;
  dataDir: string;
  providers: Providers;
  taskQueue: string;
}

/** Configuration and embedded providers of a test file, writing their outbox and chat log in a temp folder. */
export function testWorld(label: string, env: Record<string, string> = {}): TestWorld {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `meetflow-${label}-`));
  // bcrypt at its lowest cost: every sign-up and sign-in of the tests costs a millisecond, not 0.3-0.5 s of a core.
  const cfg = loadConfig({ PASSWORD_HASH_COST: '4', ...process.env, DATA_DIR: dataDir, PUBLIC_URL: 'http://meetflow.test', LOG_LEVEL: 'silent', ...env });
  return { cfg, dataDir, providers: createProviders(cfg, pino({ level: 'silent' })), taskQueue: testTaskQueue(label) };
}

export function testActivities(orm: MikroORM, world: TestWorld) {
  return createActivities({ orm, providers: world.providers, log: pino({ level: 'silent' }), publicUrl: world.cfg.PUBLIC_URL, timeZone: 'UTC', summaryMaxAttempts: world.cfg.SUMMARY_MAX_ATTEMPTS, dataDir: world.dataDir, recordingConsentDefault: world.cfg.RECORDING_CONSENT_DEFAULT });
}

/** `tuning` for tests that restart workers: `maxCachedWorkflows: 0` leaves no sticky queue behind a stopped worker. */
export async function testWorker(env: TestWorkflowEnvironment, orm: MikroORM, world: TestWorld, tuning?: MeetflowWorkerTuning): Promise<Worker> {
  return createMeetflowWorker({
    connection: env.nativeConnection,
    orm,
    providers: world.providers,
    log: pino({ level: 'silent' }),
    publicUrl: world.cfg.PUBLIC_URL,
    timeZone: 'UTC',
    summaryMaxAttempts: world.cfg.SUMMARY_MAX_ATTEMPTS,
    dataDir: world.dataDir,
    recordingConsentDefault: world.cfg.RECORDING_CONSENT_DEFAULT,
    namespace: env.namespace ?? 'default',
    taskQueue: world.taskQueue,
    workflowBundle: await workflowBundle(),
    tuning,
  });
}

export interface WorkerStack {
  env: TestWorkflowEnvironment;
  orm: MikroORM;
  worker: Worker;
  /** Stops the worker, then closes Temporal and the database. */
  stop: () => Promise<void>;
}

/** Runs the worker; the function returned shuts it down and waits until it has stopped. */
export function runWorker(worker: Worker): () => Promise<void> {
  const running = worker.run();
  return async () => {
    worker.shutdown();
    await running;
  };
}

/** The dev server, the test database and a running worker on the world's task queue, for one test file. */
export async function startWorkerStack(world: TestWorld): Promise<WorkerStack> {
  const [env, orm] = await Promise.all([devServerEnvironment(), openTestOrm()]);
  const worker = await testWorker(env, orm, world);
  const stopWorker = runWorker(worker);
  return {
    env,
    orm,
    worker,
    stop: async () => {
      await stopWorker();
      await env.teardown();
      await orm.close();
    },
  };
}
