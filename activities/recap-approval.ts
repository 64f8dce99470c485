import type { EntityManager } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/common';
import { ActionItem, MeetingSummary, User, type ActionItemEntity, type MeetingSummaryEntity } from '../db/entities';
import type { RecapApprovalState, RecapEdit } from '../workflows/messages';
import type { ActivityContext } from './context';
import { deliverOnce } from './delivery';
import { recapDraftMessage } from './messages/recap-draft';
import { outcomeOf, retireEarlierVersions, type SummaryOutcome } from './pipeline';

/** The host's approval of a recap: the draft DM, where the approval stands, and an edit as a new summary version. */
export function createRecapApprovalActivities(ctx: ActivityContext) {
  const em = () => ctx.orm.em.fork();

  return {
    /** The draft with Approve / Edit / Discard, to the host only; once per draft (its notifications key). */
    async sendRecapDraft(input: { summaryId: string; releaseAt?: string }): Promise<{ status: string }> {
      const db = em();
      const summary = await db.findOneOrFail(MeetingSummary, input.summaryId, { populate: ['room', 'room.host'] });
      const items = await db.find(ActionItem, { summary: summary.id }, { populate: ['assignedTo'], orderBy: { position: 'asc' } });
      const message = recapDraftMessage(ctx, { summary, room: summary.room, items, host: summary.room.host, releaseAt: input.releaseAt });
      return { status: (await deliverOnce(db, message, ctx)).status };
    },

    /** Mirrors the workflow's approval state on the draft's row, so GET /meetings/:id/recap answers from PostgreSQL. */
    async setRecapState(input: { summaryId: string; state: RecapApprovalState; releaseAt?: string; deliveredSummaryId?: string }): Promise<void> {
      const db = em();
      await db.nativeUpdate(MeetingSummary, input.summaryId, { approvalState: input.state, approvalReleaseAt: input.releaseAt ? new Date(input.releaseAt) : null });
      if (input.deliveredSummaryId && input.deliveredSummaryId !== input.summaryId) await db.nativeUpdate(MeetingSummary, input.deliveredSummaryId, { approvalState: input.state });
      // A discarded draft's tasks were never given to anyone: they must not linger in people's open items.
      if (input.state === 'discarded') await db.nativeUpdate(ActionItem, { summary: input.summaryId, status: { $in: ['open', 'in_progress'] } }, { status: 'cancelled' });
    },

    /**
     * The host's edit of a draft: a new summary version (editor recorded) with the draft's action items or the
     * edited ones; the draft's items are retired. A retry finds the version it wrote and writes nothing new.
     */
    async saveEditedRecap(input: { summaryId: string; edit: RecapEdit; editorId: string }): Promise<SummaryOutcome> {
      const db = em();
      const draft = await db.findOneOrFail(MeetingSummary, input.summaryId, { populate: ['transcript', 'room'] });
      const written = await editedVersionOf(db, draft);
      if (written) return outcomeOf(ctx, written);
      const edited = await db.transactional(async (tx) => writeEditedVersion(tx, draft, input));
      await retireEarlierVersions(db, edited);
      return outcomeOf(ctx, edited);
    },
  };
}

function editedVersionOf(db: EntityManager, draft: MeetingSummaryEntity): Promise<MeetingSummaryEntity | null> {
  return db.findOne(MeetingSummary, { transcript: draft.transcript.id, version: { $gt: draft.version }, editedBy: { $ne: null } }, { orderBy: { version: 'asc' } });
}

async function writeEditedVersion(tx: EntityManager, draft: MeetingSummaryEntity, input: { edit: RecapEdit; editorId: string }): Promise<MeetingSummaryEntity> {
  const latest = await tx.findOne(MeetingSummary, { transcript: draft.transcript.id }, { orderBy: { version: 'desc' } });
  const editor = await tx.findOne(User, input.editorId);
  if (!editor) throw ApplicationFailure.nonRetryable(`the editor ${input.editorId} is not a Meetflow user`, 'UnknownEditor');
  const { edit } = input;
  const row = tx.create(MeetingSummary, {
    room: draft.room.id,
    transcript: draft.transcript.id,
    version: (latest?.version ?? draft.version) + 1,
    executiveSummary: edit.executiveSummary ?? draft.executiveSummary,
    keyPoints: draft.keyPoints,
    decisions: edit.decisions ? edit.decisions.map((text) => ({ text })) : draft.decisions,
    topics: draft.topics,
    kind: draft.kind,
    sections: draft.sections,
    overallSentiment: draft.overallSentiment,
    totalSpeakingTime: draft.totalSpeakingTime,
    generator: draft.generator,
    model: draft.model,
    editedBy: editor,
    approvalState: 'approved',
  });
  for (const [position, item] of (await itemsOfEdit(tx, draft, edit)).entries()) tx.create(ActionItem, { room: draft.room.id, summary: row, position, ...item });
  return row;
}

type ItemFields = Pick<ActionItemEntity, 'title'> & Partial<Pick<ActionItemEntity, 'description' | 'type' | 'priority' | 'dueDate' | 'assignedTo' | 'source'>>;

/** The edited items, or a copy of the draft's when the edit leaves them as they were. */
async function itemsOfEdit(tx: EntityManager, draft: MeetingSummaryEntity, edit: RecapEdit): Promise<ItemFields[]> {
  if (!edit.actionItems) {
    const items = await tx.find(ActionItem, { summary: draft.id }, { orderBy: { position: 'asc' } });
    return items.map((item) => ({ title: item.title, description: item.description, type: item.type, priority: item.priority, dueDate: item.dueDate, assignedTo: item.assignedTo, source: item.source }));
  }
  const assigneeIds = [...new Set(edit.actionItems.flatMap((item) => (item.assigneeId ? [item.assigneeId] : [])))];
  const found = assigneeIds.length ? await tx.find(User, { id: { $in: assigneeIds } }) : [];
  const missing = assigneeIds.filter((id) => !found.some((user) => user.id === id));
  if (missing.length) throw ApplicationFailure.nonRetryable(`no Meetflow user ${missing.join(', ')} to assign an item to`, 'UnknownAssignee');
  return edit.actionItems.map((item) => ({ title: item.title.slice(0, 500), dueDate: item.dueDate ?? null, assignedTo: found.find((user) => user.id === item.assigneeId) ?? null }));
}
