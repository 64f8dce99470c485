import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatDuration } from '../activities/messages/format';
import { scheduleMeeting } from '../clients/meetings';
import { MeetingEvents, waitForPhase } from '../clients/video-events';
import type { Config } from '../config';
import { ActionItem, MeetingSummary, ParticipantReport } from '../db/entities';
import { findOrCreateUserByEmail } from '../db/users';
import { statusQuery, type MeetingStatus } from '../workflows/messages';
import { workflowUiUrl } from './temporal';

const ROOT = path.resolve(__dirname, '..');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'qmsum', 'ES2002b.json');
const PEOPLE = [
  { name: 'Project Manager', email: 'project.manager@demo.meetflow.local' },
  { name: 'Marketing', email: 'marketing@demo.meetflow.local' },
  { name: 'User Interface', email: 'user.interface@demo.meetflow.local' },
  { name: 'Industrial Designer', email: 'industrial.designer@demo.meetflow.local' },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Prints each phase once, with the seconds since the demo began. */
function phasePrinter(started: number): (phase: string) => void {
  let last = '';
  return (phase) => {
    if (phase === last) return;
    last = phase;
    console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] phase: ${phase}`);
  };
}

/**
 * Plays a whole meeting against the running services: schedules it a few seconds ahead with three invitees,
 * plays joins, a recording (whose sidecar transcript is a real AMI meeting) and leaves, then prints the result.
 */
export async function runDemo(cfg: Config, orm: MikroORM, temporal: Client): Promise<void> {
  const em = orm.em.fork();
  const [host, ...invitees] = await Promise.all(PEOPLE.map((person) => findOrCreateUserByEmail(em, person.email, person.name)));
  const started = Date.now();
  const progress = phasePrinter(started);
  const { room, workflowId } = await scheduleMeeting(
    { em, temporal, cfg },
    {
      host,
      title: 'Remote control: functional design (demo)',
      start: new Date(Date.now() + 5_000),
      durationMinutes: 40,
      invitees: invitees.map((user) => ({ email: user.email, name: user.name })),
      settings: { reminderMinutesBefore: 0 },
    },
  );
  console.log(`scheduled "${room.name}" (room ${room.id}) to start in 5 s; invites to ${invitees.map((u) => u.name).join(', ')}`);
  console.log(`watch it live: ${workflowUiUrl(cfg, workflowId)}\n`);

  const handle = temporal.workflow.getHandle(workflowId);
  const events = new MeetingEvents(handle);
  await waitForPhase(handle, ['live'], 60_000, progress);

  const people = [host, ...invitees];
  for (const person of people) await events.join(person.id, person.name);
  console.log(`           ${people.length} participants joined; recording…`);
  const recordingId = `demo-${room.id}`;
  await events.startRecording(recordingId);
  await sleep(2_000);
  const audio = placeRecording(cfg, recordingId);
  for (const person of people) await events.leave(person.id);
  await events.finishRoom();
  const endedAt = Date.now();
  await events.finishRecording(recordingId, { filePath: audio, durationSeconds: 40 * 60 });
  console.log('           everyone left; the room closed and the recording is finished');

  await waitForPhase(handle, ['completed', 'failed'], 120_000, progress);
  const status = await handle.query(statusQuery);
  console.log(`\nmeeting end → everything delivered: ${((Date.now() - endedAt) / 1000).toFixed(1)} s\n`);
  await printResults(orm, status, workflowUiUrl(cfg, workflowId));
}

/** The "recording": a placeholder audio file with the meeting's transcript beside it (the sidecar provider reads it). */
function placeRecording(cfg: Config, recordingId: string): string {
  const dir = path.resolve(cfg.DATA_DIR, 'recordings');
  mkdirSync(dir, { recursive: true });
  const audio = path.join(dir, `${recordingId}.ogg`);
  writeFileSync(audio, '');
  copyFileSync(FIXTURE, path.join(dir, `${recordingId}.json`));
  return audio;
}

async function printResults(orm: MikroORM, status: MeetingStatus, uiUrl: string): Promise<void> {
  if (!status.summaryId) {
    console.log(`no summary: ${status.lastError ?? status.outcome}`);
    return;
  }
  const em = orm.em.fork();
  const summary = await em.findOneOrFail(MeetingSummary, status.summaryId);
  const items = await em.find(ActionItem, { summary: summary.id }, { populate: ['assignedTo'], orderBy: { position: 'asc' } });
  const reports = await em.find(ParticipantReport, { summary: summary.id }, { populate: ['participant.user'], orderBy: { speakingTime: 'desc' } });
  const report = reports[0];
  const lines = [
    `Summary (${summary.generator})`,
    `  ${summary.executiveSummary}`,
    '',
    'Decisions',
    ...(summary.decisions.length ? summary.decisions.map((d) => `  • ${d.text}`) : ['  (none found)']),
    '',
    'Topics',
    ...summary.topics.map((t) => `  • ${t.title}`),
    '',
    'Action items',
    ...(items.length ? items.map((i) => `  • ${i.title} (${i.assignedTo?.name ?? 'unassigned'}${i.dueDate ? `, due ${i.dueDate}` : ''})`) : ['  (none found)']),
    '',
    `Report for ${report.participant.user.name}`,
    `  spoke ${formatDuration(report.speakingTime)} (${report.speakingPercentage.toFixed(0)}%), engagement ${Math.round(report.engagementScore * 100)}/100, ${report.tasksAssignedCount} task(s)`,
    ...report.keyContributions.map((c) => `  • ${c.text}`),
    '',
    `Every participant got one DM (see .data/chat.jsonl) and the invites are in .data/outbox/.`,
    `Temporal UI: ${uiUrl}`,
  ];
  console.log(lines.join('\n'));
}
