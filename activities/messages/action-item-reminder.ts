import type { ActionItemEntity, UserEntity } from '../../db/entities';
import { messageKeys } from './keys';
import { actionItemsUrl } from './links';
import type { MessageSettings, OutgoingMessage } from './types';

/** The reminder before an action item's due date, with Mark done and Snooze. */
export function actionItemReminder(settings: MessageSettings, item: ActionItemEntity, assignee: UserEntity, dueDate: string, snoozedUntil?: string): OutgoingMessage {
  const text = `Reminder: "${item.title}" from "${item.room.name}" is due ${dueDate}.`;
  return {
    key: messageKeys.actionItemReminder(item.id, dueDate, snoozedUntil),
    user: assignee,
    type: 'action_item_reminder',
    title: `Due ${dueDate}: ${item.title}`,
    text,
    data: { actionItemId: item.id, roomId: item.room.id },
    actionUrl: actionItemsUrl(settings.publicUrl, item.room.id),
    channel: 'chat-or-email',
    layout: {
      blocks: [
        { kind: 'text', text: `:alarm_clock: *${item.title}* from _${item.room.name}_ is due *${dueDate}*.` },
        {
          kind: 'buttons',
          buttons: [
            { kind: 'action', label: 'Mark done', action: 'actionItemDone', value: item.id, style: 'primary' },
            { kind: 'action', label: 'Snooze 1 day', action: 'actionItemSnooze', value: item.id },
          ],
        },
      ],
    },
    email: { subject: `Due ${dueDate}: ${item.title}`, text },
  };
}
