import type { MikroORM } from '@mikro-orm/postgresql';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { Client } from 'pg';
import pino, { type Logger } from 'pino';
import { config, type Config } from '../../config';
import { createProviders } from '../../integrations';
import { createMeetflowWorker, type MeetflowWorkerOptions } from '../../workers/create-worker';
import { openOrm } from '../../db/orm';
import { createSession } from '../../db/sessions';
import { findOrCreateUserByEmail } from '../../db/users';
import { spawnService } from '../../test/helpers/processes';
import { noopActivities } from './noop-workflow';

/**
 * Benchmarks write to their own database (DATABASE_URL's name + `_bench`: meetflow_bench by default), migrated
 * here; people sharing one PostgreSQL with their own DATABASE_URL get a bench database each.
 */
export async function openBenchDatabase(): Promise<{ orm: MikroORM; url: string }> {
  const base = new URL(config().DATABASE_URL);
  const url = new URL(base.toString());
  const name = `${base.pathname.slice(1) || 'meetflow'}_bench`;
  url.pathname = `/${name}`;
  const admin = new Client({ connectionString: base.toString() });
  await admin.connect();
  const exists = await admin.query(`select 1 from pg_database where datname = $1`, [name]);
  if (exists.rowCount === 0) await admin.query(`create database "${name}"`);
  await admin.end();
  const orm = await openOrm(url.toString(), { debug: false });
  await orm.getMigrator().up();
  return { orm, url: url.toString() };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export interface BenchStack {
  cfg: Config;
  orm: MikroORM;
  /** The bench database's URL. */
  url: string;
  log: Logger;
  connection: Connection;
  temporal: TemporalClient;
  /** Terminates the workflows the benchmark left running on its task queue, stops the worker, closes everything. */
  stop: () => Promise<number>;
}

export interface BenchWorkerOptions {
  /** Worker slots and cache measured by a benchmark; the SDK's defaults when absent. */
  tuning?: MeetflowWorkerOptions['tuning'];
  /** A bundle built once, for benchmarks that start several stacks. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /**
   * Run the worker as deployed, in a process of its own (`workers/main.ts`), so the benchmark's event loop is only
   * what it measures (the API): an in-process worker's activations and polls delay every request.
   */
  ownProcess?: boolean;
}

/** `workers/main.ts` on the benchmark's database and task queue; resolves once it has started, with its stop. */
async function spawnWorker(cfg: Config, databaseUrl: string): Promise<() => Promise<void>> {
  const worker = spawnService('workers/main.ts', { DATABASE_URL: databaseUrl, TEMPORAL_TASK_QUEUE: cfg.TEMPORAL_TASK_QUEUE, WORKER_METRICS_PORT: '0' });
  await worker.waitForLog('worker started', 120_000);
  return async () => {
    worker.child.kill('SIGTERM');
    await worker.exited;
  };
}

let runtimeInstalled = false;

/** The SDK runtime can be installed once per process; benchmarks that start several stacks share it. */
function installRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  runtimeInstalled = true;
}

/** The bench database, a Temporal client and a worker on a task queue of the benchmark's own. */
export async function startBenchStack(label: string, env: Partial<Config> = {}, workerOptions: BenchWorkerOptions = {}): Promise<BenchStack> {
  installRuntime();
  const cfg: Config = { ...config(), TEMPORAL_TASK_QUEUE: `bench-${label}-${Date.now()}`, LOG_LEVEL: 'silent', ...env };
  const { orm, url } = await openBenchDatabase();
  const log = pino({ level: 'silent' });
  const connection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS });
  const temporal = new TemporalClient({ connection });
  const stopWorker = workerOptions.ownProcess ? await spawnWorker(cfg, url) : await startWorkerHere(cfg, orm, log, workerOptions);
  return {
    cfg,
    orm,
    url,
    log,
    connection,
    temporal,
    stop: async () => {
      // The worker first: running activities finish, so none completes into a workflow terminated under it.
      await stopWorker();
      const terminated = await terminateRunning(temporal, cfg.TEMPORAL_TASK_QUEUE);
      await connection.close();
      await orm.close();
      return terminated;
    },
  };
}

/** Terminates every running workflow of a task queue; resolves with how many. */
export async function terminateRunning(temporal: TemporalClient, taskQueue: string): Promise<number> {
  let terminated = 0;
  for await (const execution of temporal.workflow.list({ query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'` })) {
    await temporal.workflow.getHandle(execution.workflowId).terminate('benchmark over').catch(() => undefined);
    terminated += 1;
  }
  return terminated;
}

export type WorkflowBundle = NonNullable<WorkerOptions['workflowBundle']>;

/** The workflows under `workflowsPath` bundled once, quietly, for the workers a benchmark starts. */
export async function bundleWorkflows(workflowsPath: string): Promise<WorkflowBundle> {
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } });
  return { code };
}

/**
 * A worker in this process for bench/lib/noop-workflow.ts (Temporal's floors), on a task queue of its own named
 * after `label`; its stop shuts it down and closes its connection.
 */
export async function startNoopWorker(address: string, bundle: WorkflowBundle, label: string, tuning?: BenchWorkerOptions['tuning']): Promise<{ taskQueue: string; stop: () => Promise<void> }> {
  const connection = await NativeConnection.connect({ address });
  const taskQueue = `${label}-${Date.now()}`;
  const worker = await Worker.create({ connection, taskQueue, workflowBundle: bundle, activities: noopActivities, ...tuning });
  const running = worker.run();
  return {
    taskQueue,
    stop: async () => {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

/** A worker in this process; resolves with its stop. */
async function startWorkerHere(cfg: Config, orm: MikroORM, log: Logger, options: BenchWorkerOptions): Promise<() => Promise<void>> {
  const native = await NativeConnection.connect({ address: cfg.TEMPORAL_ADDRESS });
  const { tuning, workflowBundle } = options;
  const worker = await createMeetflowWorker({ connection: native, orm, providers: createProviders(cfg, log), log, publicUrl: cfg.PUBLIC_URL, timeZone: 'UTC', namespace: cfg.TEMPORAL_NAMESPACE, taskQueue: cfg.TEMPORAL_TASK_QUEUE, tuning, workflowBundle });
  const running = worker.run();
  return async () => {
    worker.shutdown();
    await running;
    await native.close();
  };
}

/** A signed-in session of the user with this email (made if missing), for a benchmark's requests. */
export async function sessionToken(orm: MikroORM, email: string, userAgent: string): Promise<string> {
  const em = orm.em.fork();
  return (await createSession(em, await findOrCreateUserByEmail(em, email, 'Bench user'), { userAgent })).token;
}

/** Ends a benchmark's process when its main settles: 0, or 1 with the error (open connections and workers would keep it alive). */
export function exitWhenDone(main: Promise<void>): void {
  main.then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
