import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { config } from '../config';
import { recordAudit } from '../db/audit';
import { openOrm } from '../db/orm';
import { MeetingsClient } from '../clients/meetings';
import { completeActionItem } from '../commands/action-items';
import { cancelMeeting, endMeeting, findVisibleMeeting, rescheduleMeeting } from '../commands/meetings';
import type { Actor, CommandDeps } from '../commands/types';
import { manualMaintenanceWorkflowId, meetingWorkflowId, pingWorkflowId, summaryRerunWorkflowId } from '../workflows/ids';
import { MEETING_PHASES } from '../workflows/phases';
import { pingWorkflow } from '../workflows/ping';
import { recordingPipelineWorkflow } from '../workflows/recording-pipeline';
import { MAINTENANCE_JOBS, type MaintenanceJob } from '../activities/maintenance';
import { maintenancePlan } from '../workers/schedules';
import { maintenanceWorkflow } from '../workflows/maintenance';
import { runDemo } from './demo';
import { printSummary, summarizeFile } from './summarize';
import { printTranscript, transcribeFile } from './transcribe';
import { withTemporalClient, workflowUiUrl } from './temporal';

const USAGE = `usage: meetflow <command>

commands:
  summarize <file> [--json]    summary, action items and participant reports of a transcript file
                               (WebVTT, Meetflow JSON or QMSum JSON), offline: no services needed
  transcribe <file> [--language xx] [--json]
                               the transcript of an audio file (local Whisper; the language is detected
                               unless given), offline: no services needed
  demo                         play a whole meeting against the running services (npm start) and print its results
  status <meetingId>           a meeting's live status (phase, times, participants, recordings, summary)
  list [--status <phase>]      meetings known to Temporal, newest first (phases: ${MEETING_PHASES.join(', ')})
  reschedule <meetingId> <ISO time>   move a meeting that has not started (updated invites go out)
  cancel <meetingId> [reason]  cancel a meeting before processing (cancellations go out)
  end <meetingId>              end a live meeting (processing starts)
  done <actionItemId>          mark an action item done (its reminder stops)
  rerun <meetingId>            summarize a finished meeting again from its stored transcript (keeps the earlier version)
  maintenance run <job>        run one cleanup job now (${MAINTENANCE_JOBS.join(', ')})
  ping [message]               run the ping workflow (checks worker, Temporal and PostgreSQL end to end)
  help                         this message`;

const cfg = () => config();

async function ping(message: string): Promise<void> {
  const workflowId = pingWorkflowId(randomUUID());
  const result = await withTemporalClient(cfg(), (client) =>
    client.workflow.execute(pingWorkflow, { workflowId, taskQueue: cfg().TEMPORAL_TASK_QUEUE, args: [message], workflowExecutionTimeout: '30 seconds' }),
  );
  console.log(`pong: "${result.message}" written as notification ${result.notificationId}`);
  console.log(`see it in the Temporal UI: ${workflowUiUrl(cfg(), workflowId)}`);
}

async function summarize(args: string[]): Promise<void> {
  const file = args.find((arg) => !arg.startsWith('--'));
  if (!file) throw new UsageError('summarize needs a transcript file: meetflow summarize <file> [--json]');
  const output = await summarizeFile(file);
  if (args.includes('--json')) console.log(JSON.stringify(output, null, 2));
  else printSummary(output);
}

async function transcribe(args: string[]): Promise<void> {
  const languageAt = args.indexOf('--language');
  const language = languageAt >= 0 ? args[languageAt + 1] : undefined;
  if (languageAt >= 0 && !language) throw new UsageError('--language needs a language code, e.g. --language de');
  const file = args.find((arg, i) => !arg.startsWith('--') && (languageAt < 0 || i !== languageAt + 1));
  if (!file) throw new UsageError('transcribe needs an audio file: meetflow transcribe <file> [--language xx] [--json]');
  const { provider, transcript } = await transcribeFile(cfg(), file, language);
  if (args.includes('--json')) return console.log(JSON.stringify(transcript, null, 2));
  console.error(`(${provider} speech-to-text, language ${transcript.language})`);
  printTranscript(transcript);
}

async function demo(): Promise<void> {
  const orm = await openOrm(cfg().DATABASE_URL, { debug: false });
  try {
    await withTemporalClient(cfg(), (client) => runDemo(cfg(), orm, client));
  } finally {
    await orm.close();
  }
}

const meetingIdOf = (arg: string | undefined) => {
  if (!arg) throw new UsageError('give the meeting id (the room id, or its workflow id meeting-<id>)');
  return arg.replace(/^meeting-/, '');
};

async function status(args: string[]): Promise<void> {
  const roomId = meetingIdOf(args[0]);
  const result = await withTemporalClient(cfg(), (client) => new MeetingsClient(client).status(roomId));
  console.log(JSON.stringify(result, null, 2));
  console.log(`Temporal UI: ${workflowUiUrl(cfg(), meetingWorkflowId(roomId))}`);
}

async function list(args: string[]): Promise<void> {
  const phase = args[args.indexOf('--status') + 1];
  if (args.includes('--status') && !MEETING_PHASES.includes(phase as never)) throw new UsageError(`--status must be one of ${MEETING_PHASES.join(', ')}`);
  const query = `WorkflowType = 'meetingWorkflow'${args.includes('--status') ? ` AND MeetingStatus = '${phase}'` : ''}`;
  await withTemporalClient(cfg(), async (client) => {
    let count = 0;
    for await (const execution of client.workflow.list({ query })) {
      const attributes = execution.searchAttributes as Record<string, unknown[] | undefined>;
      const start = attributes.MeetingStart?.[0];
      console.log(`${execution.workflowId.padEnd(46)} ${String(attributes.MeetingStatus?.[0] ?? '?').padEnd(11)} ${start ? new Date(String(start)).toISOString() : ''}  ${attributes.MeetingHost?.[0] ?? ''}`);
      if (++count >= 100) break;
    }
    if (count === 0) console.log('no meetings found');
  });
}

async function rerun(args: string[]): Promise<void> {
  const roomId = meetingIdOf(args[0]);
  const workflowId = summaryRerunWorkflowId(roomId, Date.now());
  const result = await withTemporalClient(cfg(), (client) =>
    client.workflow.execute(recordingPipelineWorkflow, { workflowId, taskQueue: cfg().TEMPORAL_TASK_QUEUE, args: [{ roomId, summaryVersion: 'next', deliver: false }] }),
  );
  const orm = await openOrm(cfg().DATABASE_URL, { debug: false });
  try {
    const details = { meetingId: roomId, version: result.summaryVersion, generator: result.generator, workflowId };
    await recordAudit(orm.em.fork(), { actor: { label: `cli:${os.userInfo().username}` }, action: 'summary.rerun', target: { type: 'summary', id: result.summaryId }, source: 'cli', details });
  } finally {
    await orm.close();
  }
  console.log(`summary version ${result.summaryVersion} (${result.generator}) is ${result.summaryId}; ${result.reports} reports rebuilt`);
}

async function maintenance(args: string[]): Promise<void> {
  const job = args[1] as MaintenanceJob;
  if (args[0] !== 'run' || !MAINTENANCE_JOBS.includes(job)) throw new UsageError(`use: meetflow maintenance run <${MAINTENANCE_JOBS.join('|')}>`);
  const plan = maintenancePlan(cfg()).find((entry) => entry.job === job)!;
  const result = await withTemporalClient(cfg(), (client) =>
    client.workflow.execute(maintenanceWorkflow, { workflowId: manualMaintenanceWorkflowId(job, Date.now()), taskQueue: cfg().TEMPORAL_TASK_QUEUE, args: [{ job, days: plan.days, requestedBy: `cli:${os.userInfo().username}` }] }),
  );
  const files = result.filesDeleted === undefined ? '' : `, ${result.filesDeleted} recording file(s) deleted`;
  console.log(`${result.job}: ${result.affected} row(s) changed${files}`);
}

/** The operator at this terminal: holds the database and Temporal credentials, so no policy applies; audited by OS user. */
const operator = (): Actor => ({ kind: 'operator', label: `cli:${os.userInfo().username}`, source: 'cli' });

/** Runs a shared command (the same one the API and Slack run) with the database and Temporal open. */
async function withCommandDeps(use: (deps: CommandDeps) => Promise<void>): Promise<void> {
  const orm = await openOrm(cfg().DATABASE_URL, { debug: false });
  try {
    await withTemporalClient(cfg(), (temporal) => use({ em: orm.em.fork(), temporal, cfg: cfg() }));
  } finally {
    await orm.close();
  }
}

async function changeMeeting(action: 'reschedule' | 'cancel' | 'end', args: string[]): Promise<void> {
  const roomId = meetingIdOf(args[0]);
  await withCommandDeps(async (deps) => {
    const room = await findVisibleMeeting(deps, operator(), roomId);
    if (action === 'reschedule') {
      const start = new Date(args[1] ?? '');
      if (Number.isNaN(start.getTime())) throw new UsageError('reschedule needs the new start as an ISO time, e.g. 2026-12-03T14:00:00Z');
      console.log(`"${room.name}" moved to ${(await rescheduleMeeting(deps, operator(), room, start)).scheduledStart}`);
    } else if (action === 'cancel') {
      await cancelMeeting(deps, operator(), room, args.slice(1).join(' '));
      console.log(`"${room.name}" cancelled`);
    } else {
      await endMeeting(deps, operator(), room);
      console.log(`"${room.name}" ended; processing starts`);
    }
  });
}

async function done(args: string[]): Promise<void> {
  if (!args[0]) throw new UsageError('done needs the action item id');
  await withCommandDeps(async (deps) => console.log(`done: ${(await completeActionItem(deps, operator(), args[0])).title}`));
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const [command = 'help', ...args] = argv;
  const commands: Record<string, () => Promise<void>> = {
    ping: () => ping(args.join(' ') || 'ping'),
    summarize: () => summarize(args),
    transcribe: () => transcribe(args),
    demo,
    status: () => status(args),
    list: () => list(args),
    rerun: () => rerun(args),
    maintenance: () => maintenance(args),
    reschedule: () => changeMeeting('reschedule', args),
    cancel: () => changeMeeting('cancel', args),
    end: () => changeMeeting('end', args),
    done: () => done(args),
  };
  if (command === 'help' || command === '--help') return console.log(USAGE);
  const run = commands[command];
  if (!run) throw new UsageError(`unknown command "${command}"`);
  await run();
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`meetflow: ${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  console.error(`meetflow: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
