import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy, type ScheduleSpec } from '@temporalio/client';
import type { MaintenanceJob } from '../activities/maintenance';
import type { Config } from '../config';
import { maintenanceWorkflow } from '../workflows/maintenance';

/** When each cleanup job runs (UTC): the seed's daily, daily, weekly and monthly. */
export function maintenancePlan(cfg: Config): { job: MaintenanceJob; days: number; spec: ScheduleSpec }[] {
  return [
    { job: 'expire-invitations', days: 0, spec: { calendars: [{ hour: 3, minute: 0, comment: 'daily' }] } },
    { job: 'clean-sessions', days: 0, spec: { calendars: [{ hour: 3, minute: 10, comment: 'daily' }] } },
    { job: 'clean-notifications', days: cfg.NOTIFICATION_RETENTION_DAYS, spec: { calendars: [{ dayOfWeek: 'SUNDAY', hour: 3, minute: 20, comment: 'weekly' }] } },
    { job: 'archive-recordings', days: cfg.RECORDING_RETENTION_DAYS, spec: { calendars: [{ dayOfMonth: 1, hour: 3, minute: 30, comment: 'monthly' }] } },
  ];
}

export const maintenanceScheduleId = (job: MaintenanceJob) => `maintenance-${job}`;

/** Creates the maintenance Schedules if they do not exist (every worker runs this at start; the first one wins). */
export async function ensureMaintenanceSchedules(client: Client, cfg: Config): Promise<{ created: string[]; existing: string[] }> {
  const created: string[] = [];
  const existing: string[] = [];
  for (const { job, days, spec } of maintenancePlan(cfg)) {
    const scheduleId = maintenanceScheduleId(job);
    try {
      await client.schedule.create({
        scheduleId,
        spec,
        action: { type: 'startWorkflow', workflowType: maintenanceWorkflow, args: [{ job, days }], taskQueue: cfg.TEMPORAL_TASK_QUEUE, workflowId: scheduleId },
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
        state: { note: `Meetflow maintenance: ${job}` },
      });
      created.push(scheduleId);
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      existing.push(scheduleId);
    }
  }
  return { created, existing };
}
