import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { recordPing } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 5, initialInterval: '200 milliseconds' },
});

export interface PingResult {
  notificationId: string;
  message: string;
}

/** The smallest end-to-end path: a workflow whose activity writes one row, idempotently. */
export async function pingWorkflow(message: string): Promise<PingResult> {
  const { workflowId } = workflowInfo();
  const notificationId = await recordPing({ workflowId, message });
  return { notificationId, message };
}
