/**
 * bench/pipeline: meetings through their whole lifecycle on the embedded providers (scheduled for now, four
 * people join, a recording with a sidecar WebVTT excerpt of an AMI meeting, everyone leaves, the room closes,
 * transcribe → summarize → reports → deliver) on a worker with the deployed options (workerTuning), beside
 * Temporal's floor on a worker with the same options: a no-op workflow with as many
 * activities per meeting, before and after its "end" signal, at the same count and concurrency, with as many of
 * them local activities as the meeting has, and (when it has some) once more with all regular.
 * Then the same pipeline with tuned worker options, and on private dev servers with other SQLite pragmas.
 * Every latency comes from the workflows' own histories (server event times), not from polling.
 *
 * Environment:
 *   BENCH_MEETINGS          meetings in the main run and the baseline (default 200)
 *   BENCH_CONCURRENCY       meetings in flight at once (default 20)
 *   BENCH_TUNING_MEETINGS   meetings per tuning run (default 50; 0 skips the tuning runs)
 *   BENCH_TRANSCRIPT_TURNS  turns of ES2002b in each recording's transcript (default 60, about 4 minutes of talk)
 *   BENCH_TUNED             worker options to try, as maxConcurrentActivityTaskExecutions,maxConcurrentWorkflowTaskExecutions,
 *                           maxCachedWorkflows, several separated by ";" (default 20,10,200;200,100,1000)
 *   BENCH_DEV_SERVER_PORT   first port of the private dev servers (default 7300; uses port..port+2)
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { Client, Connection } from '@temporalio/client';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { config, type Config } from '../config';
import { workerTuning } from '../workers/create-worker';
import { type BenchWorkerOptions, bundleWorkflows, exitWhenDone, percentile, startBenchStack, startNoopWorker, type WorkflowBundle } from './lib/bench-env';
import { startDevServer } from './lib/dev-server';
import { activitiesAroundSignal, activityCount, completionTime, localActivityCount, signalTime, stepTimings, summarizeSteps, type History, type StepTiming } from './lib/history-timings';
import { benchPeople, deleteRooms, excerptVtt, playMeeting, runPool } from './lib/meeting-driver';
import { noopFinishSignal, noopMeetingWorkflow, noopReadyQuery, type NoopMeetingInput } from './lib/noop-workflow';
import { reportFigures } from './lib/figures';
import { formatTable } from './lib/table';

const MEETINGS = Number(process.env.BENCH_MEETINGS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const TUNING_MEETINGS = Number(process.env.BENCH_TUNING_MEETINGS ?? 50);
const TRANSCRIPT_TURNS = Number(process.env.BENCH_TRANSCRIPT_TURNS ?? 60);
const DEV_SERVER_PORT = Number(process.env.BENCH_DEV_SERVER_PORT ?? 7300);
const TUNED = (process.env.BENCH_TUNED ?? '20,10,200;200,100,1000').split(';').map(parseTuning);
const CURRENT_PRAGMAS = ['journal_mode=WAL', 'synchronous=NORMAL'];
const TUNED_PRAGMAS = ['journal_mode=WAL', 'synchronous=OFF'];

type Tuning = NonNullable<BenchWorkerOptions['tuning']>;

function parseTuning(text: string): Tuning {
  const [activities, workflowTasks, cached] = text.split(',').map(Number);
  return { maxConcurrentActivityTaskExecutions: activities, maxConcurrentWorkflowTaskExecutions: workflowTasks, maxCachedWorkflows: cached };
}

const describeTuning = (tuning?: Tuning) =>
  tuning ? `activities ${tuning.maxConcurrentActivityTaskExecutions}, wf tasks ${tuning.maxConcurrentWorkflowTaskExecutions}, cache ${tuning.maxCachedWorkflows}` : 'SDK defaults (100, 40, by heap)';

interface Run {
  label: string;
  meetings: number;
  completed: number;
  wallMs: number;
  /** End signal → workflow completed, per meeting, sorted. */
  endToDoneMs: number[];
  activities: number;
  /** Of those, the local activities (the workflow's mirror writes, run inside its workflow tasks). */
  localActivities: number;
  /** Every activity and workflow task of the meetings' lifecycles. */
  steps: StepTiming[];
  /** Only those after the end signal: the critical path that end→done measures. */
  afterEndSteps: StepTiming[];
  split: NoopMeetingInput;
  /** Result messages marked sent (pipeline only). */
  delivered?: number;
}

const perSecond = (run: Run) => run.completed / (run.wallMs / 1000);

async function fetchHistories(temporal: Client, workflowIds: string[]): Promise<History[]> {
  return runPool(workflowIds.length, 8, (i) => temporal.workflow.getHandle(workflowIds[i]).fetchHistory());
}

// ---------------------------------------------------------------- the pipeline

async function measurePipeline(label: string, count: number, env: Partial<Config>, worker: BenchWorkerOptions): Promise<Run> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'meetflow-bench-pipeline-'));
  const stack = await startBenchStack('pipeline', { DATA_DIR: dataDir, ...env }, worker);
  try {
    const script = { temporal: stack.temporal, orm: stack.orm, cfg: stack.cfg, people: await benchPeople(stack.orm), vtt: excerptVtt(TRANSCRIPT_TURNS) };
    const started = Date.now();
    const played = await runPool(count, CONCURRENCY, (i) => playMeeting(script, `Bench meeting ${i + 1}`));
    const wallMs = Date.now() - started;
    const meetings = await fetchHistories(stack.temporal, played.map((meeting) => meeting.workflowId));
    const pipelines = await fetchHistories(stack.temporal, played.map((meeting) => meeting.recordingWorkflowId));
    const summaryIds = played.flatMap((meeting) => (meeting.status.summaryId ? [meeting.status.summaryId] : []));
    const delivered = await countDelivered(stack.orm, summaryIds);
    await deleteRooms(stack.orm, played.map((meeting) => meeting.roomId));
    return {
      label,
      meetings: count,
      completed: played.filter((meeting) => meeting.status.phase === 'completed').length,
      wallMs,
      endToDoneMs: endToDone(meetings, 'roomFinished'),
      activities: [...meetings, ...pipelines].reduce((sum, history) => sum + activityCount(history), 0),
      localActivities: [...meetings, ...pipelines].reduce((sum, history) => sum + localActivityCount(history), 0),
      steps: [...meetings, ...pipelines].flatMap((history) => stepTimings(history)),
      afterEndSteps: [...meetings.flatMap((history) => stepTimings(history, signalTime(history, 'roomFinished'))), ...pipelines.flatMap((history) => stepTimings(history))],
      split: averageSplit(meetings, pipelines),
      delivered,
    };
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function endToDone(histories: History[], endSignal: string): number[] {
  return histories
    .map((history) => (completionTime(history) ?? NaN) - (signalTime(history, endSignal) ?? NaN))
    .filter((ms) => !Number.isNaN(ms))
    .sort((a, b) => a - b);
}

/** Activities per meeting before and after the room closed (the recording pipeline's all come after). */
function averageSplit(meetings: History[], pipelines: History[]): NoopMeetingInput {
  const around = meetings.map((history) => activitiesAroundSignal(history, 'roomFinished'));
  const pipelineActivities = pipelines.reduce((sum, history) => sum + activityCount(history), 0);
  const average = (count: (split: (typeof around)[number]) => number) => Math.round(around.reduce((sum, split) => sum + count(split), 0) / meetings.length);
  const before = average((split) => split.before);
  const total = Math.round((around.reduce((sum, split) => sum + split.before + split.after, 0) + pipelineActivities) / meetings.length);
  // The recording pipelines' activities are all regular.
  return { before, after: total - before, localBefore: average((split) => split.localBefore), localAfter: average((split) => split.localAfter) };
}

async function countDelivered(orm: MikroORM, summaryIds: string[]): Promise<number> {
  if (summaryIds.length === 0) return 0;
  const [row] = await orm.em
    .fork()
    .getConnection()
    .execute<{ sent: string }[]>(`select count(*) as sent from notifications where type = 'meeting_summary' and delivery_status = 'sent' and data->>'summaryId' in (?)`, [summaryIds]);
  return Number(row.sent);
}

// ---------------------------------------------------------------- the no-op baseline

async function measureNoop(count: number, split: NoopMeetingInput, address: string, bundle: WorkflowBundle, tuning?: Tuning): Promise<Run> {
  const { taskQueue, stop: stopWorker } = await startNoopWorker(address, bundle, 'bench-noop', tuning);
  const clientConnection = await Connection.connect({ address });
  const temporal = new Client({ connection: clientConnection });
  try {
    const started = Date.now();
    const ids = await runPool(count, CONCURRENCY, (i) => playNoop(temporal, taskQueue, `${taskQueue}-${i}`, split));
    const wallMs = Date.now() - started;
    const histories = await fetchHistories(temporal, ids);
    return {
      label: `no-op workflow, ${split.before}+${split.after} activities${split.localBefore || split.localAfter ? ` (${split.localBefore}+${split.localAfter} local)` : ''} (baseline)`,
      meetings: count,
      completed: histories.filter((history) => completionTime(history) !== undefined).length,
      wallMs,
      endToDoneMs: endToDone(histories, 'finish'),
      activities: histories.reduce((sum, history) => sum + activityCount(history), 0),
      localActivities: histories.reduce((sum, history) => sum + localActivityCount(history), 0),
      steps: histories.flatMap((history) => stepTimings(history)),
      afterEndSteps: histories.flatMap((history) => stepTimings(history, signalTime(history, 'finish'))),
      split,
    };
  } finally {
    await stopWorker();
    await clientConnection.close();
  }
}

/** Like a meeting: start, wait (polling as often as waitForPhase does) until it is "live", end it, wait for the result. */
async function playNoop(temporal: Client, taskQueue: string, workflowId: string, split: NoopMeetingInput): Promise<string> {
  const handle = await temporal.workflow.start(noopMeetingWorkflow, { taskQueue, workflowId, args: [split] });
  while (!(await handle.query(noopReadyQuery))) await new Promise((resolve) => setTimeout(resolve, 100));
  await handle.signal(noopFinishSignal);
  await handle.result();
  return workflowId;
}

// ---------------------------------------------------------------- tables

const ms = (value: number) => value.toFixed(0);

function runRow(run: Run): string[] {
  return [
    run.label,
    `${run.completed}/${run.meetings}`,
    perSecond(run).toFixed(2),
    ms(percentile(run.endToDoneMs, 50)),
    ms(percentile(run.endToDoneMs, 95)),
    run.localActivities ? `${run.activities} (${run.localActivities} local)` : String(run.activities),
    run.delivered === undefined ? '-' : String(run.delivered),
  ];
}

const RUN_HEADER = ['run', 'completed', 'meetings/s', 'end→done p50 ms', 'p95 ms', 'activities', 'results sent'];

function stepTable(steps: StepTiming[]): string {
  const rows = summarizeSteps(steps).map((step) => [step.name, String(step.count), ms(step.waitP50), ms(step.waitP95), ms(step.runP50), ms(step.runP95), (step.totalMs / 1000).toFixed(1)]);
  return formatTable(['step', 'count', 'wait p50 ms', 'wait p95 ms', 'run p50 ms', 'run p95 ms', 'total s'], rows);
}

async function measureOnPrivateServer(label: string, pragmas: string[], meetingsBundle: WorkflowBundle): Promise<Run> {
  const server = await startDevServer(DEV_SERVER_PORT, pragmas);
  try {
    return await measurePipeline(label, TUNING_MEETINGS, { TEMPORAL_ADDRESS: server.address }, { workflowBundle: meetingsBundle });
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const meetingsBundle = await bundleWorkflows(require.resolve('../workflows'));
  const noopBundle = await bundleWorkflows(require.resolve('./lib/noop-workflow'));
  const address = config().TEMPORAL_ADDRESS;
  console.log(`${MEETINGS} meetings, ${CONCURRENCY} in flight, 4 participants, a ${TRANSCRIPT_TURNS}-turn transcript each; worker, driver, dev server and PostgreSQL on this ${os.cpus().length}-core machine\n`);

  // The worker as deployed (the configuration's options), and the floors on a worker with the same options.
  const deployed = workerTuning(config());
  const pipeline = await measurePipeline('meeting pipeline, deployed worker options', MEETINGS, {}, { workflowBundle: meetingsBundle, tuning: deployed });
  // The floor of the meeting's own shape and, when some of its steps are local activities, one with every step a
  // regular activity (the floor issue 16 set its target against). Meetings have no local activities since
  // patch serial-mirror-activities: then the two are the same run.
  const noop = await measureNoop(MEETINGS, pipeline.split, address, noopBundle, deployed);
  const hasLocalSteps = (pipeline.split.localBefore ?? 0) + (pipeline.split.localAfter ?? 0) > 0;
  const allRegular = hasLocalSteps ? await measureNoop(MEETINGS, { before: pipeline.split.before, after: pipeline.split.after }, address, noopBundle, deployed) : noop;
  console.log(formatTable(RUN_HEADER, [runRow(pipeline), runRow(noop), ...(hasLocalSteps ? [runRow(allRegular)] : [])]));
  const versus = (floor: Run) => `${(perSecond(pipeline) / perSecond(floor)).toFixed(2)}× the no-op throughput, ${(percentile(pipeline.endToDoneMs, 50) / percentile(floor.endToDoneMs, 50)).toFixed(1)}× its end→done p50`;
  console.log(`\npipeline / floor of the same shape: ${versus(noop)}\npipeline / floor with every step a regular activity: ${versus(allRegular)}`);
  const latency = (run: Run) => `p50 ${ms(percentile(run.endToDoneMs, 50))} / p95 ${ms(percentile(run.endToDoneMs, 95))} ms`;
  reportFigures('pipeline', [
    { figure: `meetings completed per second (${MEETINGS}, ${CONCURRENCY} in flight)`, value: perSecond(pipeline).toFixed(2), baseline: `no-op workflow: ${perSecond(noop).toFixed(2)} (same shape), ${perSecond(allRegular).toFixed(2)} (every step regular)` },
    { figure: 'meeting end → every result delivered', value: latency(pipeline), baseline: `no-op workflow: ${latency(noop)} (same shape), ${latency(allRegular)} (every step regular)` },
    { figure: 'activities executed', value: `${pipeline.activities} (${pipeline.localActivities} local)`, baseline: `no-op workflow: ${noop.activities} (${noop.localActivities} local)` },
  ]);

  console.log(`\nWhere end→done goes: the steps after the room closed (meeting histories) and every step of the recording pipelines; wait = scheduled→started, run = started→completed, total = (wait + run) summed:\n`);
  console.log(stepTable(pipeline.afterEndSteps));
  console.log(`\nThe no-op baseline after its end signal:\n`);
  console.log(stepTable(noop.afterEndSteps));
  console.log(`\nThe whole lifecycle (all ${MEETINGS * 2} meeting and recording-pipeline histories):\n`);
  console.log(stepTable(pipeline.steps));

  if (TUNING_MEETINGS > 0) await tuningRuns(meetingsBundle);
}

async function tuningRuns(meetingsBundle: WorkflowBundle): Promise<void> {
  console.log(`\nTuning, ${TUNING_MEETINGS} meetings per run, same concurrency (worker options on the shared dev server; pragmas on fresh private dev servers with SDK defaults):\n`);
  const rows: string[][] = [];
  const add = (run: Run) => rows.push(runRow(run));
  add(await measurePipeline(`worker: ${describeTuning()}`, TUNING_MEETINGS, {}, { workflowBundle: meetingsBundle }));
  for (const tuning of TUNED) add(await measurePipeline(`worker: ${describeTuning(tuning)}`, TUNING_MEETINGS, {}, { workflowBundle: meetingsBundle, tuning }));
  add(await measureOnPrivateServer(`dev server: ${CURRENT_PRAGMAS.join(' ')} (current)`, CURRENT_PRAGMAS, meetingsBundle));
  add(await measureOnPrivateServer(`dev server: ${TUNED_PRAGMAS.join(' ')}`, TUNED_PRAGMAS, meetingsBundle));
  console.log(formatTable(RUN_HEADER, rows));
}

exitWhenDone(main());
