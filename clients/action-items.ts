import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { actionItemReminderWorkflow } from '../workflows/action-item-reminder';
import { actionItemWorkflowId } from '../workflows/ids';
import { actionItemClosedSignal, actionItemDueDateSignal, actionItemSnoozeSignal } from '../workflows/messages';

/**
 * Keeps an action item's durable reminder in step with the item: closed when it is done (or has no owner or
 * date any more), moved (or started) when the due date changes. Used by the API and the Slack bot.
 */
export async function syncReminder(
  temporal: Client,
  taskQueue: string,
  item: { id: string; status: string; dueDate: string | null; assigned: boolean },
): Promise<void> {
  const workflowId = actionItemWorkflowId(item.id);
  const open = item.status === 'open' || item.status === 'in_progress';
  if (!open || !item.dueDate || !item.assigned) {
    await temporal.workflow
      .getHandle(workflowId)
      .signal(actionItemClosedSignal)
      .catch((error: unknown) => {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      });
    return;
  }
  await temporal.workflow.signalWithStart(actionItemReminderWorkflow, {
    workflowId,
    taskQueue,
    args: [{ actionItemId: item.id, dueDate: item.dueDate }],
    signal: actionItemDueDateSignal,
    signalArgs: [item.dueDate],
  });
}

/** "Snooze 1 day": the reminder comes again at `remindAt`, whether the first one already went out or not. */
export async function snoozeReminder(temporal: Client, taskQueue: string, item: { id: string; dueDate: string }, remindAt: Date): Promise<void> {
  await temporal.workflow.signalWithStart(actionItemReminderWorkflow, {
    workflowId: actionItemWorkflowId(item.id),
    taskQueue,
    args: [{ actionItemId: item.id, dueDate: item.dueDate, remindAt: remindAt.toISOString() }],
    signal: actionItemSnoozeSignal,
    signalArgs: [remindAt.toISOString()],
  });
}
