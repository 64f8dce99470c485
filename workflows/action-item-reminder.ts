import { condition, setHandler } from '@temporalio/workflow';
import { db, delivery } from './activity-options';
import { actionItemClosedSignal, actionItemDueDateSignal, actionItemSnoozeSignal } from './messages';

export interface ActionItemReminderInput {
  actionItemId: string;
  /** YYYY-MM-DD */
  dueDate: string;
  /** Remind at this instant instead of the day before (ISO 8601): a snoozed reminder. */
  remindAt?: string;
}

export interface ReminderOutcome {
  outcome: 'reminded' | 'closed' | 'completed' | 'overdue' | 'deleted';
  /** When the workflow decided (ISO 8601). */
  at: string;
}

/** Reminders go out at this UTC hour on the day before the due date. */
export const REMINDER_HOUR_UTC = 9;

/** When the reminder for a due date is sent: 09:00 UTC the day before. */
export function reminderTime(dueDate: string): number {
  const [year, month, day] = dueDate.split('-').map(Number);
  return Date.UTC(year, month - 1, day - 1, REMINDER_HOUR_UTC);
}

const endOfDay = (dueDate: string) => reminderTime(dueDate) + (24 - REMINDER_HOUR_UTC) * 3_600_000 + 24 * 3_600_000;

/**
 * A durable reminder for one action item: sleeps until the day before it is due, then DMs (or emails) its
 * assignee unless the item was completed first (completing it signals actionItemClosed).
 */
export async function actionItemReminderWorkflow(input: ActionItemReminderInput): Promise<ReminderOutcome> {
  let closed = false;
  let dueDate = input.dueDate;
  let remindAt = input.remindAt ? Date.parse(input.remindAt) : undefined;
  let moved = false;
  setHandler(actionItemClosedSignal, () => {
    closed = true;
  });
  setHandler(actionItemDueDateSignal, (next) => {
    dueDate = next;
    remindAt = undefined;
    moved = true;
  });
  setHandler(actionItemSnoozeSignal, (at) => {
    remindAt = Date.parse(at);
    moved = true;
  });

  const done = (outcome: ReminderOutcome['outcome']): ReminderOutcome => ({ outcome, at: new Date(Date.now()).toISOString() });
  for (;;) {
    moved = false;
    if (remindAt === undefined && Date.now() >= endOfDay(dueDate)) return done('overdue');
    const wait = Math.max(0, (remindAt ?? reminderTime(dueDate)) - Date.now());
    if (await condition(() => closed || moved, wait)) {
      if (closed) return done('closed');
      continue;
    }
    const item = await db.getActionItem({ actionItemId: input.actionItemId });
    if (!item) return done('deleted');
    if (item.status === 'completed' || item.status === 'cancelled') return done('completed');
    await delivery.sendActionItemReminder({ actionItemId: input.actionItemId, dueDate, ...(remindAt !== undefined ? { snoozedUntil: new Date(remindAt).toISOString() } : {}) });
    return done('reminded');
  }
}
