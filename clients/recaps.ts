import type { Client } from '@temporalio/client';
import { meetingWorkflowId, recordingWorkflowId } from '../workflows/ids';
import { approveRecapUpdate, recapStatusQuery, statusQuery, type RecapDecision, type RecapStatus } from '../workflows/messages';
import { ask, MeetingRefusal } from './meetings';

/**
 * The host's answer to a meeting's draft recap. The wait runs in the recording pipeline (a child of the meeting
 * workflow, one per recording): callers name the meeting, and this finds the pipeline whose recap awaits them.
 */
export class RecapsClient {
  constructor(private readonly temporal: Client) {}

  async decide(roomId: string, decision: RecapDecision): Promise<RecapStatus> {
    const pipeline = await this.awaitingPipeline(roomId);
    if (!pipeline) throw new MeetingRefusal('conflict', 'nothing awaits approval: the recap was already decided (or the meeting did not ask for approval, or is still being processed)');
    return ask(() => pipeline.executeUpdate(approveRecapUpdate, { args: [decision] }));
  }

  /** The pipeline of a recording being processed whose recap awaits the host (its query answers `awaiting`). */
  private async awaitingPipeline(roomId: string) {
    const meeting = await ask(() => this.temporal.workflow.getHandle(meetingWorkflowId(roomId)).query(statusQuery)).catch((error: unknown) => {
      if (error instanceof MeetingRefusal && error.kind === 'over') return undefined;
      throw error;
    });
    for (const recording of meeting?.recordings.filter((r) => r.status === 'processing') ?? []) {
      const handle = this.temporal.workflow.getHandle(recordingWorkflowId(roomId, recording.recordingId));
      // A pipeline still summarizing has no recap yet (its query is not registered): not this one.
      const recap = await handle.query(recapStatusQuery).catch(() => null);
      if (recap?.state === 'awaiting') return handle;
    }
    return undefined;
  }
}
