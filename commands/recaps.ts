import { RecapsClient } from '../clients/recaps';
import { ActionItem, MeetingSummary, User, type RoomEntity } from '../db/entities';
import { canDecideRecap } from '../policies/recaps';
import type { RecapApprovalState, RecapEdit, RecapStatus } from '../workflows/messages';
import { type Actor, audit, authorize, CommandError, type CommandDeps } from './types';

export interface RecapView {
  state: RecapApprovalState;
  /** When an awaiting recap goes out by itself (ISO 8601); null when it never does. */
  releaseAt: string | null;
  summary: { id: string; version: number; executiveSummary: string; decisions: string[]; editedBy: { id: string; name: string } | null };
  actionItems: { id: string; title: string; assignee: { id: string; name: string } | null; dueDate: string | null }[];
}

const hostOnly = (actor: Actor, room: RoomEntity, what: string) => authorize(actor, (user) => canDecideRecap(user, room), `only the host (${room.host.name}) can ${what} the recap of "${room.name}"`);

/** The meeting's recap under approval: the draft while it awaits the host, else the version that was decided. */
export async function findRecap(deps: Pick<CommandDeps, 'em'>, actor: Actor, room: RoomEntity): Promise<RecapView> {
  hostOnly(actor, room, 'see');
  const summary = await deps.em.findOne(MeetingSummary, { room: room.id, approvalState: { $ne: null } }, { orderBy: { version: 'desc', createdAt: 'desc' }, populate: ['editedBy'] });
  if (!summary) throw new CommandError('not_found', `"${room.name}" has no recap for approval: its settings do not ask for approval, or it is still being processed`);
  const items = await deps.em.find(ActionItem, { summary: summary.id }, { populate: ['assignedTo'], orderBy: { position: 'asc' } });
  return {
    state: summary.approvalState!,
    releaseAt: summary.approvalState === 'awaiting' ? (summary.approvalReleaseAt?.toISOString() ?? null) : null,
    summary: {
      id: summary.id,
      version: summary.version,
      executiveSummary: summary.executiveSummary,
      decisions: summary.decisions.map((decision) => decision.text),
      editedBy: summary.editedBy ? { id: summary.editedBy.id, name: summary.editedBy.name } : null,
    },
    actionItems: items.map((item) => ({ id: item.id, title: item.title, assignee: item.assignedTo ? { id: item.assignedTo.id, name: item.assignedTo.name } : null, dueDate: item.dueDate ?? null })),
  };
}

/**
 * The host approves (perhaps with an edit: a new summary version with them as its editor) or discards the draft;
 * the meeting's pipeline then sends it to everyone, or to nobody. Only the draft awaiting a decision can be decided.
 */
export async function decideRecap(deps: CommandDeps, actor: Actor, room: RoomEntity, decision: 'approve' | 'discard', edit?: RecapEdit): Promise<RecapStatus> {
  hostOnly(actor, room, decision === 'approve' ? (edit ? 'edit' : 'approve') : 'discard');
  if (edit) await checkAssignees(deps, edit);
  const actorId = actor.kind === 'person' ? actor.user.id : room.host.id;
  const status = await new RecapsClient(deps.temporal).decide(room.id, { decision, actorId, ...(edit ? { edit } : {}) });
  await audit(deps.em, actor, { action: edit ? 'recap.edit' : `recap.${decision}`, target: { type: 'meeting', id: room.id }, details: { summaryId: status.summaryId, deliveredSummaryId: status.deliveredSummaryId ?? null } });
  return status;
}

async function checkAssignees(deps: Pick<CommandDeps, 'em'>, edit: RecapEdit): Promise<void> {
  const ids = [...new Set((edit.actionItems ?? []).flatMap((item) => (item.assigneeId ? [item.assigneeId] : [])))];
  if (!ids.length) return;
  const found = await deps.em.find(User, { id: { $in: ids } }, { fields: ['id'] });
  const missing = ids.filter((id) => !found.some((user) => user.id === id));
  if (missing.length) throw new CommandError('invalid', `no Meetflow user ${missing.join(', ')}: an action item's assigneeId must be a user's id`);
}
