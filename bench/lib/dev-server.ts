/**
 * A private Temporal dev server for one measurement (e.g. other SQLite pragmas), on ports of its own and a
 * fresh database file, so the shared dev server other people's tests use is never restarted.
 */
import { Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CLI = path.resolve(__dirname, '..', '..', '.tools', 'venv', 'bin', 'temporal');
const SEARCH_ATTRIBUTES = ['MeetingStatus=Keyword', 'MeetingHost=Keyword', 'MeetingStart=Datetime'];

export interface DevServer {
  address: string;
  stop: () => Promise<void>;
}

/** Starts `temporal server start-dev` on `port` (and the next two for HTTP and metrics) with these pragmas. */
export async function startDevServer(port: number, pragmas: string[]): Promise<DevServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'meetflow-bench-temporal-'));
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--http-port', String(port + 1), '--metrics-port', String(port + 2), '--headless', '--log-level', 'error', '--db-filename', path.join(dir, 'temporal.db')];
  for (const pragma of pragmas) args.push('--sqlite-pragma', pragma);
  for (const attribute of SEARCH_ATTRIBUTES) args.push('--search-attribute', attribute);
  const child = spawn(CLI, args, { stdio: 'ignore' });
  const address = `127.0.0.1:${port}`;
  try {
    await waitUntilServing(address, child);
  } catch (error) {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    address,
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitUntilServing(address: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the dev server on ${address} exited with code ${child.exitCode}`);
    const ready = await Connection.connect({ address, connectTimeout: 1000 })
      .then(async (connection) => {
        await connection.workflowService.getSystemInfo({});
        await connection.close();
        return true;
      })
      .catch(() => false);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the dev server on ${address} did not answer within 60 s`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
