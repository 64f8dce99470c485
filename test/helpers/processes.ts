import type { MikroORM } from '@mikro-orm/postgresql';
import { Client, Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { startTracked } from './child-processes';
import { openTestOrm } from './db';
import { ROOT } from './temporal';
import { LATE, within } from './wait';

export interface ServiceProcess {
  child: ChildProcess;
  /** Every stdout line so far (pino writes one JSON object per line). */
  lines: string[];
  /** The JSON lines so far, parsed. */
  logs: () => Record<string, unknown>[];
  /** Resolves with the exit code (null when killed by a signal) once the process has ended. */
  exited: Promise<number | null>;
  /** Sends the signal and resolves with the exit code; past `ms`, kills the process and rejects with its last lines. */
  stopWithin: (signal: NodeJS.Signals, ms: number) => Promise<number | null>;
  /** Resolves once a log line with this message (or one that passes this test) appears. */
  waitForLog: (wanted: string | ((line: Record<string, unknown>) => boolean), timeoutMs?: number) => Promise<Record<string, unknown>>;
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * One of Meetflow's processes as `npm start` runs it (`node --import tsx <entry>`, so signals reach it and
 * not a wrapper), with its stdout captured line by line. Its stderr is copied to the test's own, or with
 * `logFile`, written there with stdout. Never inherited: a process that outlived its test would then hold Jest's
 * own output open, and Jest would wait for it for ever.
 */
export function spawnService(entry: 'workers/main.ts' | 'api/main.ts' | 'bot/main.ts', env: Record<string, string>, options: { logFile?: string } = {}): ServiceProcess {
  const child = startTracked(entry, () => spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry)], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
  if (options.logFile) {
    const log = createWriteStream(options.logFile);
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
  } else {
    child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  }
  const lines: string[] = [];
  let partial = '';
  const waiters: (() => void)[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const complete = text.split('\n');
    partial = complete.pop()!;
    lines.push(...complete.filter(Boolean));
    waiters.splice(0).forEach((wake) => wake());
  });
  const logs = () => lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitForLog = async (wanted: string | ((line: Record<string, unknown>) => boolean), timeoutMs = 30_000) => {
    const matches = typeof wanted === 'string' ? (line: Record<string, unknown>) => line.msg === wanted : wanted;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = logs().find(matches);
      if (found) return found;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no ${typeof wanted === 'string' ? `"${wanted}"` : 'matching'} log line from ${entry} (exit ${child.exitCode}); it printed:\n${lines.slice(-20).join('\n')}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  };
  const stopWithin = async (signal: NodeJS.Signals, ms: number) => {
    child.kill(signal);
    const outcome = await within(exited, ms);
    if (outcome !== LATE) return outcome;
    child.kill('SIGKILL');
    await exited;
    throw new Error(`${entry} had not exited ${ms} ms after ${signal} (killed now); its last lines:\n${lines.slice(-30).join('\n')}`);
  };
  return { child, lines, logs, exited, stopWithin, waitForLog };
}

export interface TestClients {
  orm: MikroORM;
  connection: Connection;
  client: Client;
  close: () => Promise<void>;
}

/** The test database and a Temporal client of the dev server: what a test that drives real processes looks through. */
export async function connectTestClients(): Promise<TestClients> {
  const orm = await openTestOrm();
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  return {
    orm,
    connection,
    client: new Client({ connection }),
    close: async () => {
      await connection.close();
      await orm.close();
    },
  };
}
