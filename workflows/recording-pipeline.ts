import { ApplicationFailure, getExternalWorkflowHandle, log, ParentClosePolicy, patched, startChild, WorkflowIdReusePolicy } from '@temporalio/workflow';
import { actionItemReminderWorkflow } from './action-item-reminder';
import { db, delivery, summarization, transcription } from './activity-options';
import { actionItemWorkflowId } from './ids';
import { actionItemClosedSignal, type RecapApprovalState } from './messages';
import { awaitRecapApproval } from './recap-approval';

export interface RecordingPipelineInput {
  roomId: string;
  /** The provider's recording id; absent for a re-run from the stored transcript. */
  recordingId?: string;
  /** 'next' makes a new summary version (a re-run keeps the earlier one). */
  summaryVersion?: number | 'next';
  /** Re-runs may choose not to message everyone again. */
  deliver?: boolean;
  /** The host approves the recap before anyone else gets it; 0 minutes = no auto-release. */
  approval?: { autoReleaseMinutes: number };
}

export interface RecordingPipelineResult {
  transcriptId: string;
  summaryId: string;
  summaryVersion: number;
  generator: string;
  reports: number;
  delivered: number;
  reminders: number;
  /** How the host's approval ended, for a meeting that asked for it. */
  approval?: RecapApprovalState;
  /** The summary participants got: an edited version when the host edited the draft. */
  deliveredSummaryId?: string;
}

/** One recording's way to people: transcribe → summarize (with action items) → reports → deliver → reminders. */
export async function recordingPipelineWorkflow(input: RecordingPipelineInput): Promise<RecordingPipelineResult> {
  const transcriptId = input.recordingId
    ? (await transcription.transcribeRecording({ roomId: input.roomId, recordingId: input.recordingId })).transcriptId
    : await requireStoredTranscript(input.roomId);
  // A re-run's version is resolved once, here: resolved inside a retried summarizeTranscript it could become N+2.
  const resolveOnce = input.summaryVersion === 'next' && patched('summary-version-once');
  const version = resolveOnce ? await db.nextSummaryVersion({ transcriptId }) : input.summaryVersion;
  const draft = await summarization.summarizeTranscript({ transcriptId, version });
  const reports = await db.buildReports({ summaryId: draft.summaryId });
  // Meetings that ask for approval hold the recap for the host (histories from before replay without the wait).
  const approval = input.approval && input.deliver !== false && patched('recap-approval') ? await awaitRecapApproval(draft, input.approval.autoReleaseMinutes) : undefined;
  const summary = approval ? (approval.deliver ?? { ...draft, reminders: [], retiredReminders: [] }) : draft;
  const delivered = input.deliver === false || (approval && !approval.deliver) ? { delivered: 0 } : await delivery.deliverResults({ summaryId: summary.summaryId });
  for (const reminder of summary.reminders) {
    await startReminder(reminder.actionItemId, reminder.dueDate);
  }
  if (resolveOnce) {
    for (const actionItemId of summary.retiredReminders ?? []) await closeReminder(actionItemId);
  }
  return {
    transcriptId,
    summaryId: draft.summaryId,
    summaryVersion: draft.version,
    generator: draft.generator,
    reports,
    delivered: delivered.delivered,
    reminders: summary.reminders.length,
    ...(approval ? { approval: approval.status.state, deliveredSummaryId: approval.status.deliveredSummaryId } : {}),
  };
}

async function requireStoredTranscript(roomId: string): Promise<string> {
  const transcriptId = await db.latestTranscriptOf({ roomId });
  if (!transcriptId) {
    throw ApplicationFailure.nonRetryable(`meeting ${roomId} has no stored transcript to summarize again`, 'NoTranscript');
  }
  return transcriptId;
}

/** The reminder of an item a newer summary replaced ends now; one that already ended is fine. */
async function closeReminder(actionItemId: string): Promise<void> {
  try {
    await getExternalWorkflowHandle(actionItemWorkflowId(actionItemId)).signal(actionItemClosedSignal);
  } catch (error) {
    log.info('reminder already ended', { actionItemId, error: (error as Error).message });
  }
}

/** The reminder outlives this workflow (ABANDON) and exists once per item (a re-run finds it running). */
async function startReminder(actionItemId: string, dueDate: string): Promise<void> {
  try {
    await startChild(actionItemReminderWorkflow, {
      workflowId: actionItemWorkflowId(actionItemId),
      args: [{ actionItemId, dueDate }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
  } catch (error) {
    if ((error as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw error;
  }
}
