import type { Client } from '@temporalio/client';
import { recordingWorkflowId } from '../workflows/ids';
import { recordingPipelineWorkflow } from '../workflows/recording-pipeline';

/**
 * Starts a recording's way to people (transcribe → summarize → reports → deliver) outside the meeting's own
 * workflow: for a recording brought from elsewhere. The workflow id is the recording's, so a second start is a no-op.
 */
export async function startRecordingPipeline(temporal: Client, taskQueue: string, recording: { roomId: string; recordingId: string }): Promise<string> {
  const workflowId = recordingWorkflowId(recording.roomId, recording.recordingId);
  try {
    await temporal.workflow.start(recordingPipelineWorkflow, { workflowId, taskQueue, args: [{ roomId: recording.roomId, recordingId: recording.recordingId }] });
  } catch (error) {
    if ((error as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw error;
  }
  return workflowId;
}
