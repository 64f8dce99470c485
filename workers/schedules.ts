import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import type { MaintenanceJob } from '../activities/maintenance';
import type { Config } from '../config';
import { maintenanceScheduleId } from '../workflows/ids';
import { maintenanceWorkflow } from '../workflows/maintenance';

export interface MaintenancePlanEntry {
  job: MaintenanceJob;
  /** The retention age the job applies (0 where the job has none, or keeps for ever). */
  days: number;
  /** UTC cron expression. */
  cron: string;
}

/** Each cleanup job, its age and when it runs: by default the seed's daily, daily, weekly and monthly, and daily retention. */
export function maintenancePlan(cfg: Config): MaintenancePlanEntry[] {
  return [
    { job: 'expire-invitations', days: 0, cron: cfg.MAINTENANCE_EXPIRE_INVITATIONS_CRON },
    { job: 'clean-sessions', days: 0, cron: cfg.MAINTENANCE_CLEAN_SESSIONS_CRON },
    { job: 'clean-notifications', days: cfg.NOTIFICATION_RETENTION_DAYS, cron: cfg.MAINTENANCE_CLEAN_NOTIFICATIONS_CRON },
    { job: 'archive-recordings', days: cfg.RECORDING_RETENTION_DAYS, cron: cfg.MAINTENANCE_ARCHIVE_RECORDINGS_CRON },
    { job: 'purge-transcripts', days: cfg.TRANSCRIPT_RETENTION_DAYS, cron: cfg.MAINTENANCE_PURGE_TRANSCRIPTS_CRON },
    { job: 'delete-summaries', days: cfg.SUMMARY_RETENTION_DAYS, cron: cfg.MAINTENANCE_DELETE_SUMMARIES_CRON },
  ];
}


/** The Schedule's note says the settings it was made with, so a worker can tell when they changed. */
const noteOf = ({ job, days, cron }: MaintenancePlanEntry) => `Meetflow maintenance: ${job} (cron "${cron}" UTC, days ${days})`;

/**
 * Creates the maintenance Schedules that do not exist and brings the others up to date with this worker's
 * settings (every worker runs this at start; the first one creates them).
 */
export async function ensureMaintenanceSchedules(client: Client, cfg: Config): Promise<{ created: string[]; existing: string[]; updated: string[] }> {
  const outcome = { created: [] as string[], existing: [] as string[], updated: [] as string[] };
  for (const entry of maintenancePlan(cfg)) {
    const scheduleId = maintenanceScheduleId(entry.job);
    const spec = { cronExpressions: [entry.cron] };
    const action = { type: 'startWorkflow' as const, workflowType: maintenanceWorkflow, args: [{ job: entry.job, days: entry.days }] as [{ job: MaintenanceJob; days: number }], taskQueue: cfg.TEMPORAL_TASK_QUEUE, workflowId: scheduleId };
    try {
      await client.schedule.create({ scheduleId, spec, action, policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' }, state: { note: noteOf(entry) } });
      outcome.created.push(scheduleId);
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      const handle = client.schedule.getHandle(scheduleId);
      if ((await handle.describe()).state.note === noteOf(entry)) {
        outcome.existing.push(scheduleId);
        continue;
      }
      await handle.update((previous) => ({ ...previous, spec, action, state: { ...previous.state, note: noteOf(entry) } }));
      outcome.updated.push(scheduleId);
    }
  }
  return outcome;
}
