import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../helpers/processes';
import { sleep, waitFor } from '../helpers/wait';
import { ROOT } from '../helpers/temporal';

/*
 * The fault tests' own services, never the shared ones on :5432 and :7233 (other people's tests use those while
 * these restart theirs): a PostgreSQL cluster of its own and a file-backed Temporal dev server of its own.
 * global-setup.ts starts both once per run and writes where they are into the environment; global-teardown.ts
 * stops them. The tests restart them through the functions below.
 */

const run = promisify(execFile);
export const TEMPORAL_CLI = path.join(ROOT, '.tools', 'venv', 'bin', 'temporal');

export const PG = {
  version: process.env.FAULTS_PG_VERSION ?? '15',
  cluster: 'meetflow-faults',
  port: Number(process.env.FAULTS_PG_PORT ?? 5442),
  database: 'meetflow_faults',
  user: 'meetflow',
  password: 'meetflow',
};

export const SEARCH_ATTRIBUTES = ['MeetingStatus=Keyword', 'MeetingHost=Keyword', 'MeetingStart=Datetime'];

/** Where the fault run's services are (set by global-setup.ts, read by the tests). */
export interface FaultsEnv {
  databaseUrl: string;
  temporalAddress: string;
  /** The run's scratch folder: the Temporal database, logs, data folders of the workers. */
  dir: string;
}

export function faultsEnv(): FaultsEnv {
  const { FAULTS_DATABASE_URL: databaseUrl, FAULTS_TEMPORAL_ADDRESS: temporalAddress, FAULTS_DIR: dir } = process.env;
  if (!databaseUrl || !temporalAddress || !dir) throw new Error('the fault environment is not set up: run these tests with npm run test:faults');
  return { databaseUrl, temporalAddress, dir };
}

// ---------------------------------------------------------------- PostgreSQL

const asPostgres = (args: string[]) => run('runuser', ['-u', 'postgres', '--', ...args]);

async function clusterStatus(): Promise<'online' | 'down' | 'missing'> {
  const { stdout } = await run('pg_lsclusters', ['-h']);
  const line = stdout.split('\n').find((l) => l.split(/\s+/)[1] === PG.cluster);
  if (!line) return 'missing';
  return line.split(/\s+/)[3] === 'online' ? 'online' : 'down';
}

const pgReady = async () =>
  run('pg_isready', ['-q', '-h', '127.0.0.1', '-p', String(PG.port)]).then(
    () => true,
    () => false,
  );

/** Creates the cluster once (as root), starts it, and makes a fresh, empty database for this run. */
export async function setUpPostgres(): Promise<string> {
  if (process.getuid?.() !== 0) throw new Error('the fault tests manage a PostgreSQL cluster of their own: run them as root');
  const status = await clusterStatus();
  if (status === 'missing') await run('pg_createcluster', [PG.version, PG.cluster, '-p', String(PG.port)]);
  if (status !== 'online') await run('pg_ctlcluster', [PG.version, PG.cluster, 'start']);
  await waitFor(`PostgreSQL on port ${PG.port}`, pgReady, 30_000);
  const psql = (sql: string, db = 'postgres') => asPostgres(['psql', '-p', String(PG.port), '-d', db, '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', sql]);
  await psql(`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${PG.user}') THEN CREATE ROLE "${PG.user}" LOGIN CREATEDB PASSWORD '${PG.password}'; END IF; END $$;`);
  await psql(`DROP DATABASE IF EXISTS ${PG.database} WITH (FORCE)`);
  await psql(`CREATE DATABASE ${PG.database} OWNER "${PG.user}"`);
  return `postgres://${PG.user}:${PG.password}@127.0.0.1:${PG.port}/${PG.database}`;
}

/** `pg_ctlcluster stop` (fast: open connections are cut), `downMs` of nothing, then start again. */
export async function restartPostgres(downMs: number): Promise<void> {
  await run('pg_ctlcluster', [PG.version, PG.cluster, 'stop', '-m', 'fast']);
  await sleep(downMs);
  await run('pg_ctlcluster', [PG.version, PG.cluster, 'start']);
  await waitFor(`PostgreSQL on port ${PG.port} after the restart`, pgReady, 30_000);
}

export async function stopPostgres(): Promise<void> {
  if ((await clusterStatus()) === 'online') await run('pg_ctlcluster', [PG.version, PG.cluster, 'stop', '-m', 'fast']);
}

// ---------------------------------------------------------------- Temporal

const pidFile = (dir: string) => path.join(dir, 'temporal.pid');

async function temporalHealthy(address: string): Promise<boolean> {
  return run(TEMPORAL_CLI, ['operator', 'cluster', 'health', '--address', address]).then(
    () => true,
    () => false,
  );
}

/**
 * Starts the dev server on `address` with its SQLite database in `dir` (the same file across restarts: workflows,
 * timers and task queues survive), with the meeting search attributes, and waits until it is healthy.
 */
export async function startTemporal(dir: string, address: string): Promise<void> {
  const [ip, port] = address.split(':');
  const uiPort = await freePort();
  const args = ['server', 'start-dev', '--ip', ip, '--port', port, '--ui-port', String(uiPort), '--headless', '--db-filename', path.join(dir, 'temporal.db'), '--log-level', 'warn', '--log-format', 'json', '--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL'];
  for (const pair of SEARCH_ATTRIBUTES) args.push('--search-attribute', pair);
  const log = openSync(path.join(dir, 'temporal.log'), 'a');
  const child = spawn(TEMPORAL_CLI, args, { detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  child.unref();
  writeFileSync(pidFile(dir), String(child.pid));
  let exited = false;
  child.once('exit', () => (exited = true));
  await waitFor(`the Temporal dev server on ${address}`, async () => {
    if (exited) throw new ServerExited(`the Temporal dev server on ${address} exited (log: ${path.join(dir, 'temporal.log')})`);
    return temporalHealthy(address);
  }, 60_000, 300, (error) => error instanceof ServerExited);
}

/** The dev server died while starting (e.g. a port taken between freePort() and its bind). */
export class ServerExited extends Error {}

/** Stops the dev server this run started (SIGTERM, then SIGKILL after 15 s), and waits until it is gone. */
export async function stopTemporal(dir: string): Promise<void> {
  if (!existsSync(pidFile(dir))) return;
  const pid = Number(readFileSync(pidFile(dir), 'utf8'));
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (alive()) {
    process.kill(pid, 'SIGTERM');
    await waitFor('the Temporal dev server to stop', () => !alive(), 15_000, 100).catch(() => {
      if (alive()) process.kill(pid, 'SIGKILL');
    });
    await waitFor('the Temporal dev server to die', () => !alive(), 5_000, 100);
  }
}
