import { ActionItem } from '../db/entities';
import type { ActivityContext } from './context';
import { deliverOnce } from './delivery';
import { actionItemReminder } from './messages/action-item-reminder';

export function createActionItemActivities(ctx: ActivityContext) {
  return {
    async getActionItem(input: { actionItemId: string }): Promise<{ status: string; dueDate: string | null; assigneeId: string | null } | null> {
      const item = await ctx.orm.em.fork().findOne(ActionItem, input.actionItemId);
      return item ? { status: item.status, dueDate: item.dueDate ?? null, assigneeId: item.assignedTo?.id ?? null } : null;
    },

    /** Reminds the assignee of an open item; once per item and due date. */
    async sendActionItemReminder(input: { actionItemId: string; dueDate: string; snoozedUntil?: string }): Promise<'sent' | 'skipped'> {
      const db = ctx.orm.em.fork();
      const item = await db.findOne(ActionItem, input.actionItemId, { populate: ['assignedTo', 'room'] });
      if (!item?.assignedTo || item.status === 'completed' || item.status === 'cancelled') return 'skipped';
      await deliverOnce(db, actionItemReminder(ctx, item, item.assignedTo, input.dueDate, input.snoozedUntil), ctx);
      return 'sent';
    },
  };
}
