import { ActionItem } from '../db/entities';
import { reminderBlocks } from '../integrations/chat/slack-blocks';
import type { ActivityContext } from './context';
import { deliverOnce } from './delivery';
import { meetingUrl } from './meetings';

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
      const text = `Reminder: "${item.title}" from "${item.room.name}" is due ${input.dueDate}.`;
      await deliverOnce(
        db,
        {
          key: `action-reminder:${item.id}:${input.dueDate}${input.snoozedUntil ? `:snoozed:${input.snoozedUntil}` : ''}`,
          user: item.assignedTo,
          type: 'action_item_reminder',
          title: `Due ${input.dueDate}: ${item.title}`,
          text,
          data: { actionItemId: item.id, roomId: item.room.id },
          actionUrl: `${meetingUrl(ctx, item.room.id)}/action-items`,
          channel: 'chat-or-email',
          blocks: reminderBlocks({ itemId: item.id, title: item.title, meeting: item.room.name, due: input.dueDate }),
          email: { subject: `Due ${input.dueDate}: ${item.title}`, text },
        },
        ctx,
      );
      return 'sent';
    },
  };
}
