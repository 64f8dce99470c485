import { snoozeReminder, syncReminder } from '../clients/action-items';
import { ActionItem, User, type ActionItemEntity } from '../db/entities';
import type { ACTION_ITEM_PRIORITIES, ACTION_ITEM_STATUSES } from '../db/entities/action-item';
import { canChangeActionItem, canSnoozeActionItem } from '../policies/action-items';
import { findVisibleMeeting, UUID } from './meetings';
import { type Actor, audit, authorize, CommandError, type CommandDeps } from './types';

export interface ActionItemChanges {
  status?: (typeof ACTION_ITEM_STATUSES)[number];
  priority?: (typeof ACTION_ITEM_PRIORITIES)[number];
  /** A date like 2026-12-03, or null to clear it. */
  dueDate?: string | null;
  /** A user id, or null for nobody. */
  assigneeId?: string | null;
}

/** An action item of a meeting the actor may see (else `not_found`, like a missing one). */
async function visibleItem(deps: CommandDeps, actor: Actor, itemId: string): Promise<ActionItemEntity> {
  const item = UUID.test(itemId) ? await deps.em.findOne(ActionItem, itemId, { populate: ['assignedTo', 'room', 'room.host'] }) : null;
  if (!item) throw new CommandError('not_found', `No action item ${itemId}`);
  // Its assignee sees it even when they were given it without being part of the meeting.
  if (actor.kind === 'person' && item.assignedTo?.id === actor.user.id) return item;
  await findVisibleMeeting(deps, actor, item.room.id).catch((error: unknown) => {
    if (error instanceof CommandError && error.kind === 'not_found') throw new CommandError('not_found', `No action item ${itemId}`);
    throw error;
  });
  return item;
}

/**
 * Changes an item (status, priority, due date, owner), records who did it, and keeps its durable reminder in step:
 * completing it ends the reminder, a new due date moves it. The assignee, the meeting's host or an admin may.
 */
export async function updateActionItem(deps: CommandDeps, actor: Actor, itemId: string, changes: ActionItemChanges): Promise<ActionItemEntity> {
  const item = await visibleItem(deps, actor, itemId);
  authorize(actor, (user) => canChangeActionItem(user, item), 'only its assignee or the meeting host can change this item');
  return applyChanges(deps, actor, item, changes);
}

async function applyChanges(deps: CommandDeps, actor: Actor, item: ActionItemEntity, changes: ActionItemChanges): Promise<ActionItemEntity> {
  if (changes.status) {
    item.status = changes.status;
    item.completedAt = changes.status === 'completed' ? new Date() : null;
  }
  if (changes.priority) item.priority = changes.priority;
  if (changes.dueDate !== undefined) item.dueDate = changes.dueDate;
  if (changes.assigneeId !== undefined) {
    const assignee = changes.assigneeId ? await deps.em.findOne(User, changes.assigneeId) : null;
    if (changes.assigneeId && !assignee) throw new CommandError('invalid', `assigneeId: no user ${changes.assigneeId}`);
    item.assignedTo = assignee;
  }
  await deps.em.flush();
  await audit(deps.em, actor, { action: 'action_item.update', target: { type: 'action_item', id: item.id }, details: { meetingId: item.room.id, changes } });
  await syncReminder(deps.temporal, deps.cfg.TEMPORAL_TASK_QUEUE, { id: item.id, status: item.status, dueDate: item.dueDate ?? null, assigned: Boolean(item.assignedTo) });
  return item;
}

/** "Mark done": completes the item once; pressing it again changes nothing. */
export async function completeActionItem(deps: CommandDeps, actor: Actor, itemId: string): Promise<ActionItemEntity> {
  const item = await visibleItem(deps, actor, itemId);
  authorize(actor, (user) => canChangeActionItem(user, item), 'only its assignee or the meeting host can complete this item');
  if (item.status === 'completed') return item;
  return applyChanges(deps, actor, item, { status: 'completed' });
}

/** "Snooze 1 day": the item's reminder comes again at `until`. The assignee's own choice. */
export async function snoozeActionItem(deps: CommandDeps, actor: Actor, itemId: string, until: Date): Promise<ActionItemEntity> {
  const item = await visibleItem(deps, actor, itemId);
  authorize(actor, (user) => canSnoozeActionItem(user, item), 'only its assignee can snooze this reminder');
  if (!item.dueDate || item.status === 'completed' || item.status === 'cancelled') throw new CommandError('invalid', `"${item.title}" has nothing to remind you of`);
  await snoozeReminder(deps.temporal, deps.cfg.TEMPORAL_TASK_QUEUE, { id: item.id, dueDate: item.dueDate }, until);
  await audit(deps.em, actor, { action: 'action_item.snooze', target: { type: 'action_item', id: item.id }, details: { until: until.toISOString() } });
  return item;
}
