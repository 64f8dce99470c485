import type { ActionItemEntity, Person } from '../db/entities';

/** Changing an item (status, priority, due date, owner): its assignee, the meeting's host, or an admin. */
export function canChangeActionItem(user: Person, item: ActionItemEntity): boolean {
  return user.role === 'admin' || item.assignedTo?.id === user.id || item.room.host.id === user.id;
}

/** Snoozing a reminder is the assignee's own business. */
export function canSnoozeActionItem(user: Person, item: ActionItemEntity): boolean {
  return item.assignedTo?.id === user.id;
}
