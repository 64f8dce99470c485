import { log } from '@temporalio/workflow';
import type { MaintenanceInput, MaintenanceResult } from '../activities/maintenance';
import { db } from './activity-options';

/** One cleanup job (run by its Temporal Schedule, or on demand with `meetflow maintenance run <job>`). */
export async function maintenanceWorkflow(input: MaintenanceInput): Promise<MaintenanceResult> {
  const result = await db.runMaintenanceJob(input);
  log.info('maintenance done', { ...result });
  return result;
}
