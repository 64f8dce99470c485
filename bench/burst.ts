/**
 * bench/burst: many meetings scheduled for the same minute. For each, the lag between its scheduled start and
 * the moment its workflow is `live` (the phase is stored, then switched: the completion of the first activity
 * after the MeetingStatus=live upsert), read from the workflows' own histories afterwards, so nothing polls the
 * workflows while they wake up (only a count of the visibility store, once a second). Also the timer's own lag
 * (start → TimerFired) and the RSS of this process, which runs the worker (sampled every 500 ms; the driver
 * shares it). Baselines in the same run: the same with a few meetings, first, and Temporal's floor (as many no-op
 * workflows that go live the way a meeting does, floorRound), last. Everything is terminated at the end.
 *
 * Environment:
 *   BENCH_BURST            meetings in the burst (default 1000)
 *   BENCH_BURST_BASELINE   meetings in the baseline round (default 10)
 *   BENCH_BURST_MARGIN_S   seconds left for scheduling before the next whole minute is taken as the start
 *                          (default 10 + 0.05 s per meeting)
 *   BENCH_BURST_WORKER     worker options to try, as JSON, e.g. {"stickyQueueScheduleToStartTimeout":"10s"} (default:
 *                          the deployed worker's, from the configuration: workerTuning); createMeetflowWorker spreads
 *                          its `tuning` into Worker.create, so any option passes
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scheduleMeeting } from '../clients/meetings';
import { config, type Config } from '../config';
import { workerTuning } from '../workers/create-worker';
import type { UserEntity } from '../db/entities';
import { type BenchWorkerOptions, bundleWorkflows, exitWhenDone, openBenchDatabase, percentile, startBenchStack, startNoopWorker, terminateRunning } from './lib/bench-env';
import { firstActivityCompleted, firstTimerFired, phaseReached, workflowTaskScheduleTimeouts, type History } from './lib/history-timings';
import { noopGoLiveWorkflow } from './lib/noop-workflow';
import { benchPeople, deleteRooms, runPool } from './lib/meeting-driver';
import { reportFigures } from './lib/figures';
import { formatTable } from './lib/table';

const BURST = Number(process.env.BENCH_BURST ?? 1000);
const BASELINE = Number(process.env.BENCH_BURST_BASELINE ?? 10);
const marginSeconds = (count: number) => Number(process.env.BENCH_BURST_MARGIN_S ?? 10 + 0.05 * count);
const WORKER_OPTIONS = process.env.BENCH_BURST_WORKER ? (JSON.parse(process.env.BENCH_BURST_WORKER) as BenchWorkerOptions['tuning']) : undefined;
const SCHEDULING_CONCURRENCY = 16;
const MB = 1024 * 1024;

interface RssSampler {
  mark: (label: string) => void;
  stop: () => RssFigures;
}

interface RssFigures {
  beforeMb: number;
  /** Median of the samples between the end of scheduling and the start. */
  waitingMb: number;
  peakMb: number;
}

function sampleRss(): RssSampler {
  const samples: { at: number; rss: number }[] = [];
  const marks = new Map<string, number>();
  const take = () => samples.push({ at: Date.now(), rss: process.memoryUsage().rss });
  take();
  const timer = setInterval(take, 500);
  return {
    mark: (label) => marks.set(label, Date.now()),
    stop: () => {
      clearInterval(timer);
      take();
      const from = marks.get('scheduled') ?? 0;
      const to = marks.get('start') ?? Infinity;
      const waiting = samples.filter((sample) => sample.at >= from && sample.at <= to).map((sample) => sample.rss).sort((a, b) => a - b);
      return { beforeMb: samples[0].rss / MB, waitingMb: percentile(waiting, 50) / MB, peakMb: Math.max(...samples.map((sample) => sample.rss)) / MB };
    },
  };
}

interface Round {
  meetings: number;
  start: Date;
  schedulingMs: number;
  /** Seconds before the start that every meeting was waiting (negative: after). */
  waitingAheadS: number;
  liveLagMs: number[];
  timerLagMs: number[];
  /** Meetings whose wake-up workflow task timed out on the worker's sticky queue and went back to the normal one. */
  stickyTimeouts: number;
  rss: RssFigures;
}

interface Deps {
  temporal: Client;
  orm: MikroORM;
  cfg: Config;
  people: UserEntity[];
  /** Every meeting scheduled, for the clean-up. */
  workflowIds: string[];
}

const nextWholeMinute = (after: number) => new Date(Math.ceil(after / 60_000) * 60_000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function schedule(deps: Deps, start: Date, index: number): Promise<string> {
  const [host, ...invitees] = deps.people;
  const { workflowId } = await scheduleMeeting(
    { em: deps.orm.em.fork(), temporal: deps.temporal, cfg: deps.cfg },
    { host, title: `Burst meeting ${index + 1}`, start, durationMinutes: 30, invitees: invitees.map((user) => ({ email: user.email, name: user.name })), settings: { reminderMinutesBefore: 0, noShowGraceMinutes: 60 } },
  );
  return workflowId;
}

/**
 * Waits, one visibility count a second, until `count` meetings of this start are in one of `phases`; returns when
 * they were. Waiting counts the meetings already live too: when scheduling and inviting outlast the margin, the first
 * meetings are live before the last are waiting, and "all waiting at once" never comes (their lag shows it).
 */
async function waitForPhaseCount(deps: Deps, start: Date, phases: string[], count: number, deadline: number): Promise<number> {
  // A range, not equality: the dev server's SQLite visibility compares datetimes as text.
  const around = (offsetMs: number) => new Date(start.getTime() + offsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const query = `TaskQueue = '${deps.cfg.TEMPORAL_TASK_QUEUE}' AND MeetingStart >= '${around(-1000)}' AND MeetingStart <= '${around(1000)}' AND MeetingStatus IN (${phases.map((phase) => `'${phase}'`).join(', ')})`;
  let reached = 0;
  while (Date.now() < deadline) {
    reached = (await deps.temporal.workflow.count(query)).count;
    if (reached >= count) return Date.now();
    await sleep(1000);
  }
  throw new Error(`only ${reached} of ${count} meetings starting at ${start.toISOString()} reached ${phases.join(' or ')} by ${new Date(deadline).toISOString()}`);
}

async function burstRound(deps: Deps, count: number): Promise<Round> {
  const start = nextWholeMinute(Date.now() + marginSeconds(count) * 1000);
  const rss = sampleRss();
  const began = Date.now();
  const ids = await runPool(count, SCHEDULING_CONCURRENCY, (index) => schedule(deps, start, index));
  deps.workflowIds.push(...ids);
  const schedulingMs = Date.now() - began;
  rss.mark('scheduled');
  const allWaiting = await waitForPhaseCount(deps, start, ['waiting', 'live'], count, start.getTime() + 60_000);
  await sleep(Math.max(0, start.getTime() - Date.now()));
  rss.mark('start');
  await waitForPhaseCount(deps, start, ['live'], count, start.getTime() + 10 * 60_000);
  const histories = await liveHistories(deps.temporal, ids);
  const lags = (reached: (history: History) => number | undefined) =>
    histories.map((history) => (reached(history) ?? NaN) - start.getTime()).sort((a, b) => a - b);
  return {
    meetings: count,
    start,
    schedulingMs,
    waitingAheadS: (start.getTime() - allWaiting) / 1000,
    liveLagMs: lags((history) => phaseReached(history, 'live')),
    timerLagMs: lags(firstTimerFired),
    stickyTimeouts: histories.filter((history) => workflowTaskScheduleTimeouts(history) > 0).length,
    rss: rss.stop(),
  };
}

/**
 * Temporal's floor for the same burst: as many workflows that only wait for the same kind of minute and then go live
 * the way a meeting does (an activity that stores the phase, then one that opens the room), with no-op activities, on a
 * worker with the same options in this process. Their lag is the dev server's and the SDK's alone.
 */
async function floorRound(temporal: Client, address: string, tuning: BenchWorkerOptions['tuning'], count: number): Promise<Round> {
  const bundle = await bundleWorkflows(require.resolve('./lib/noop-workflow'));
  const { taskQueue, stop: stopWorker } = await startNoopWorker(address, bundle, 'bench-burst-floor', tuning);
  try {
    const start = nextWholeMinute(Date.now() + marginSeconds(count) * 1000);
    const rss = sampleRss();
    const began = Date.now();
    const ids = await runPool(count, SCHEDULING_CONCURRENCY, async (index) => {
      const handle = await temporal.workflow.start(noopGoLiveWorkflow, { taskQueue, workflowId: `${taskQueue}-${index}`, args: [start.getTime()] });
      return handle.workflowId;
    });
    const scheduled = Date.now();
    rss.mark('scheduled');
    await sleep(Math.max(0, start.getTime() - Date.now()));
    rss.mark('start');
    const histories = await runPool(ids.length, 8, async (index) => {
      const handle = temporal.workflow.getHandle(ids[index]);
      await handle.result();
      return handle.fetchHistory();
    });
    const lags = (reached: (history: History) => number | undefined) => histories.map((history) => (reached(history) ?? NaN) - start.getTime()).sort((a, b) => a - b);
    return {
      meetings: count,
      start,
      schedulingMs: scheduled - began,
      waitingAheadS: (start.getTime() - scheduled) / 1000,
      liveLagMs: lags(firstActivityCompleted),
      timerLagMs: lags(firstTimerFired),
      stickyTimeouts: histories.filter((history) => workflowTaskScheduleTimeouts(history) > 0).length,
      rss: rss.stop(),
    };
  } finally {
    await stopWorker();
  }
}

/** The histories, fetched again until each shows the live phase stored (the count sees the upsert a moment before). */
async function liveHistories(temporal: Client, ids: string[]): Promise<History[]> {
  return runPool(ids.length, 8, async (index) => {
    for (let attempt = 0; ; attempt++) {
      const history = await temporal.workflow.getHandle(ids[index]).fetchHistory();
      if (phaseReached(history, 'live') !== undefined || attempt >= 20) return history;
      await sleep(500);
    }
  });
}

/** After the stack is stopped (no activity can still touch them): the rooms of the workflows `meeting-<roomId>`. */
async function removeRooms(workflowIds: string[]): Promise<void> {
  const { orm } = await openBenchDatabase();
  await deleteRooms(orm, workflowIds.map((id) => id.replace(/^meeting-/, '')));
  await orm.close();
}

const ms = (value: number) => (Number.isNaN(value) ? '-' : value.toFixed(0));

function lagRow(label: string, round: Round): string[] {
  const { liveLagMs: live, timerLagMs: timer } = round;
  return [
    label,
    String(round.meetings),
    (round.schedulingMs / 1000).toFixed(1),
    round.waitingAheadS.toFixed(0),
    ms(percentile(timer, 50)),
    ms(percentile(timer, 99)),
    ms(percentile(live, 50)),
    ms(percentile(live, 99)),
    ms(live[live.length - 1]),
    String(round.stickyTimeouts),
  ];
}

function rssRow(label: string, round: Round): string[] {
  return [label, round.rss.beforeMb.toFixed(0), round.rss.waitingMb.toFixed(0), round.rss.peakMb.toFixed(0)];
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'meetflow-bench-burst-'));
  const tuning = WORKER_OPTIONS ?? workerTuning(config());
  const stack = await startBenchStack('burst', { DATA_DIR: dataDir }, { tuning });
  const workflowIds: string[] = [];
  let terminated = 0;
  try {
    const deps = { temporal: stack.temporal, orm: stack.orm, cfg: stack.cfg, people: await benchPeople(stack.orm), workflowIds };
    console.log(`meetings scheduled for the same whole minute, each with 3 invitees; worker (${JSON.stringify(tuning)}${WORKER_OPTIONS ? '' : ', as deployed'}) and driver in this process, dev server and PostgreSQL on this ${os.cpus().length}-core machine\n`);
    const baseline = await burstRound(deps, BASELINE);
    const burst = await burstRound(deps, BURST);
    // The floor last, so its worker does not weigh on the burst's RSS, and once no meeting is live (live meetings
    // check on their rooms, which would load its run).
    terminated = await terminateRunning(stack.temporal, stack.cfg.TEMPORAL_TASK_QUEUE);
    const floor = await floorRound(stack.temporal, stack.cfg.TEMPORAL_ADDRESS, tuning, BURST);
    console.log(formatTable(
      ['round', 'meetings', 'scheduling s', 'all waiting or live T- s', 'timer fired p50 ms', 'p99 ms', 'start→live p50 ms', 'p99 ms', 'max ms', 'wf task timed out'],
      [
        lagRow(`baseline: ${BASELINE} at ${baseline.start.toISOString().slice(11, 16)}`, baseline),
        lagRow(`burst: ${BURST} at ${burst.start.toISOString().slice(11, 16)}`, burst),
        lagRow(`floor: ${BURST} no-op go-lives at ${floor.start.toISOString().slice(11, 16)}`, floor),
      ],
    ));
    console.log('\nWorker process RSS (MB):\n');
    console.log(formatTable(['round', 'before scheduling', 'waiting (median)', 'peak'], [rssRow('baseline', baseline), rssRow('burst', burst)]));
    const lag = (round: Round) => `p50 ${ms(percentile(round.liveLagMs, 50))} / p99 ${ms(percentile(round.liveLagMs, 99))} / max ${ms(round.liveLagMs[round.liveLagMs.length - 1])} ms`;
    reportFigures('burst', [
      { figure: `scheduled start → live, ${BURST} meetings in one minute`, value: lag(burst), baseline: `${BASELINE} meetings: ${lag(baseline)}; Temporal's floor, ${BURST} no-op go-lives: ${lag(floor)}` },
      { figure: 'worker process RSS, peak', value: `${burst.rss.peakMb.toFixed(0)} MB`, baseline: `${BASELINE} meetings: ${baseline.rss.peakMb.toFixed(0)} MB` },
    ]);
  } finally {
    console.log(`\nterminated ${terminated + (await stack.stop())} benchmark meeting workflows`);
    await removeRooms(workflowIds);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

exitWhenDone(main());
