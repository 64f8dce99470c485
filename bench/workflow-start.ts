/**
 * bench/workflow-start: what one workflow start costs the Temporal server behind TEMPORAL_ADDRESS, the floor under
 * `POST /meetings` (one insert and one start) and under every burst of scheduling. Starts/s and latency at a fixed
 * concurrency, and the CPU each start takes in the server's process and in PostgreSQL's (read from /proc, so the
 * server must run on this machine), beside a round trip that writes nothing (DescribeNamespace) the same way.
 * No worker polls the task queue: each workflow times out on its own a minute later.
 * Run it against the dev server and against scripts/temporal-postgres.sh's server to compare the two stores.
 *
 * Environment:
 *   BENCH_STARTS              starts (and round trips) per run (default 1000)
 *   BENCH_START_CONCURRENCY   requests in flight at once (default 20, as bench/api's connections)
 */
import { Client, Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { config } from '../config';
import { exitWhenDone, percentile } from './lib/bench-env';
import { reportFigures } from './lib/figures';
import { runPool } from './lib/meeting-driver';
import { formatTable } from './lib/table';

const STARTS = Number(process.env.BENCH_STARTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_START_CONCURRENCY ?? 20);
const CLOCK_TICKS_PER_S = 100;

/** CPU milliseconds a process has used (user + system), 0 once it is gone. */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S) * 1000;
  } catch {
    return 0;
  }
}

const pids = () => readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** The process listening on 127.0.0.1:port (from /proc/net/tcp's socket inode), or undefined. */
function listenerOf(port: number): number | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inode = readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .find((fields) => fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A')?.[9];
  if (!inode) return undefined;
  return pids().find((pid) => {
    try {
      return readdirSync(`/proc/${pid}/fd`).some((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`);
    } catch {
      return false;
    }
  });
}

const postgresCpuMs = () => pids().filter((pid) => commandOf(pid) === 'postgres').reduce((sum, pid) => sum + cpuMs(pid), 0);

/** Busy CPU milliseconds of the whole machine, all cores. */
function machineBusyMs(): number {
  const counters = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = counters;
  return ((user + nice + system + irq + softirq + steal) / CLOCK_TICKS_PER_S) * 1000;
}

interface Run {
  label: string;
  perSecond: number;
  latencies: number[];
  serverCpuMs: number;
  postgresCpuMs: number;
  clientCpuMs: number;
  coresBusy: number;
}

async function measure(label: string, serverPid: number, request: () => Promise<unknown>): Promise<Run> {
  const before = { server: cpuMs(serverPid), postgres: postgresCpuMs(), client: process.cpuUsage(), busy: machineBusyMs(), at: Date.now() };
  const latencies = await runPool(STARTS, CONCURRENCY, async () => {
    const began = performance.now();
    await request();
    return performance.now() - began;
  });
  const wallMs = Date.now() - before.at;
  const client = process.cpuUsage(before.client);
  return {
    label,
    perSecond: STARTS / (wallMs / 1000),
    latencies: latencies.sort((a, b) => a - b),
    serverCpuMs: (cpuMs(serverPid) - before.server) / STARTS,
    postgresCpuMs: (postgresCpuMs() - before.postgres) / STARTS,
    clientCpuMs: (client.user + client.system) / 1000 / STARTS,
    coresBusy: (machineBusyMs() - before.busy) / wallMs,
  };
}

const row = (run: Run) => [
  run.label,
  run.perSecond.toFixed(1),
  percentile(run.latencies, 50).toFixed(0),
  percentile(run.latencies, 99).toFixed(0),
  run.serverCpuMs.toFixed(2),
  run.postgresCpuMs.toFixed(2),
  run.clientCpuMs.toFixed(2),
  run.coresBusy.toFixed(2),
];

async function main(): Promise<void> {
  const cfg = config();
  const port = Number(cfg.TEMPORAL_ADDRESS.split(':').pop());
  const serverPid = listenerOf(port);
  if (!serverPid) throw new Error(`no process on this machine listens on ${cfg.TEMPORAL_ADDRESS}: this benchmark reads the server's CPU from /proc`);
  const connection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE });
  const taskQueue = `bench-start-${Date.now()}`;
  console.log(`${STARTS} requests, ${CONCURRENCY} in flight, against ${cfg.TEMPORAL_ADDRESS} (${commandOf(serverPid)}, pid ${serverPid}); no worker\n`);

  const roundTrip = await measure('DescribeNamespace (a round trip, no write: baseline)', serverPid, () => connection.workflowService.describeNamespace({ namespace: cfg.TEMPORAL_NAMESPACE }));
  const starts = await measure('StartWorkflowExecution', serverPid, () =>
    temporal.workflow.start('benchFloor', { taskQueue, workflowId: `${taskQueue}-${randomUUID()}`, workflowExecutionTimeout: '1 minute' }),
  );
  console.log(formatTable(['request', 'per s', 'p50 ms', 'p99 ms', 'server CPU ms each', 'PostgreSQL CPU ms each', 'this process CPU ms each', 'cores busy'], [row(roundTrip), row(starts)]));
  const cpu = (run: Run) => run.serverCpuMs + run.postgresCpuMs + run.clientCpuMs;
  console.log(`\nA start takes ${cpu(starts).toFixed(1)} ms of CPU in all (${(cpu(starts) / cpu(roundTrip)).toFixed(1)}× a round trip); ${(2000 / cpu(starts)).toFixed(0)} starts/s would fill two cores.`);
  reportFigures('workflow-start', [
    {
      figure: `workflow starts, ${CONCURRENCY} in flight`,
      value: `${starts.perSecond.toFixed(1)}/s, p50 ${percentile(starts.latencies, 50).toFixed(0)} / p99 ${percentile(starts.latencies, 99).toFixed(0)} ms; CPU ${starts.serverCpuMs.toFixed(1)} ms server + ${starts.postgresCpuMs.toFixed(1)} ms PostgreSQL each`,
      baseline: `DescribeNamespace: ${roundTrip.perSecond.toFixed(1)}/s, p99 ${percentile(roundTrip.latencies, 99).toFixed(0)} ms; CPU ${roundTrip.serverCpuMs.toFixed(1)} ms server each`,
    },
  ]);
  await connection.close();
}

exitWhenDone(main());
