import { ApplicationFailure, condition, patched, setHandler } from '@temporalio/workflow';
import type { SummaryOutcome } from '../activities/pipeline';
import { db, delivery } from './activity-options';
import { approveRecapUpdate, recapStatusQuery, type RecapDecision, type RecapStatus } from './messages';
import { REFUSAL_TYPES } from './phases';

const MINUTE = 60_000;

const invalid = (message: string) => ApplicationFailure.create({ message, type: REFUSAL_TYPES.invalid, nonRetryable: true });
const conflict = (message: string) => ApplicationFailure.create({ message, type: REFUSAL_TYPES.conflict, nonRetryable: true });

export interface ApprovalResult {
  status: RecapStatus;
  /** The summary to deliver (the draft, or the host's edited version); absent when discarded. */
  deliver?: SummaryOutcome;
}

/**
 * The host sees the draft recap first: a DM with Approve / Edit / Discard, then a durable wait for the
 * approveRecap update or the auto-release timer (none when `autoReleaseMinutes` is 0). An edit is stored as a new
 * summary version with its editor before the update returns.
 */
export async function awaitRecapApproval(draft: SummaryOutcome, autoReleaseMinutes: number): Promise<ApprovalResult> {
  const status: RecapStatus = { state: 'awaiting', summaryId: draft.summaryId };
  if (autoReleaseMinutes > 0) status.releaseAt = new Date(Date.now() + autoReleaseMinutes * MINUTE).toISOString();
  // The query and the update answer before the recap is stored as awaiting: whoever reads "awaiting" from the
  // database (the Edit button, the API) can act on it at once. Handlers are no commands: replay is unchanged.
  let decision: RecapDecision | undefined;
  setHandler(recapStatusQuery, () => status);
  setHandler(
    approveRecapUpdate,
    async (answer) => {
      decision = answer;
      await condition(() => status.state !== 'awaiting');
      return status;
    },
    {
      validator: (answer) => {
        if (answer?.decision !== 'approve' && answer?.decision !== 'discard') throw invalid(`decision must be "approve" or "discard", not "${String(answer?.decision)}"`);
        if (answer.edit && answer.decision !== 'approve') throw invalid('only an approval can carry an edit');
        if (status.state !== 'awaiting') throw conflict(`the recap was already ${status.state}: nothing awaits approval`);
        if (decision) throw conflict('the recap is being decided already');
      },
    },
  );

  // Stored as awaiting before the draft goes out: a host who presses Edit the moment the DM arrives must find it
  // (stored after, the button answered "no recap for approval" until the write landed). Recaps drafted before
  // this order replay the old one (the patch).
  const storeAwaiting = () => db.setRecapState({ summaryId: draft.summaryId, state: 'awaiting', releaseAt: status.releaseAt });
  const storeFirst = patched('recap-awaiting-before-draft');
  if (storeFirst) await storeAwaiting();
  await delivery.sendRecapDraft({ summaryId: draft.summaryId, releaseAt: status.releaseAt });
  if (!storeFirst) await storeAwaiting();

  const decided = () => decision !== undefined;
  if (autoReleaseMinutes > 0) await condition(decided, autoReleaseMinutes * MINUTE);
  else await condition(decided);

  const result = await settle(draft, decision);
  await db.setRecapState({ summaryId: draft.summaryId, state: result.status.state, deliveredSummaryId: result.status.deliveredSummaryId });
  Object.assign(status, result.status);
  return { status: { ...status }, deliver: result.deliver };
}

async function settle(draft: SummaryOutcome, decision: RecapDecision | undefined): Promise<ApprovalResult> {
  if (!decision) return { status: { state: 'released', summaryId: draft.summaryId, deliveredSummaryId: draft.summaryId }, deliver: draft };
  if (decision.decision === 'discard') return { status: { state: 'discarded', summaryId: draft.summaryId } };
  if (!decision.edit) return { status: { state: 'approved', summaryId: draft.summaryId, deliveredSummaryId: draft.summaryId }, deliver: draft };
  const edited = await db.saveEditedRecap({ summaryId: draft.summaryId, edit: decision.edit, editorId: decision.actorId });
  await db.buildReports({ summaryId: edited.summaryId });
  return { status: { state: 'approved', summaryId: draft.summaryId, deliveredSummaryId: edited.summaryId }, deliver: { ...edited, retiredReminders: draft.retiredReminders } };
}
