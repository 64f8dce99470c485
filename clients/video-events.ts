import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import {
  participantJoinedSignal,
  participantLeftSignal,
  recordingFinishedSignal,
  recordingStartedSignal,
  roomFinishedSignal,
  statusQuery,
  type RecordingFinishedEvent,
} from '../workflows/messages';

/**
 * Sends a meeting the events its video room would send (what the LiveKit webhook receiver does for real
 * rooms). Used by `meetflow demo` and the tests to play a meeting without a video provider.
 */
export class MeetingEvents {
  constructor(private readonly handle: WorkflowHandle) {}

  private base(at = new Date()) {
    return { eventId: randomUUID(), at: at.toISOString() };
  }

  join(identity: string, name?: string, at?: Date) {
    return this.handle.signal(participantJoinedSignal, { ...this.base(at), identity, name });
  }

  leave(identity: string, at?: Date) {
    return this.handle.signal(participantLeftSignal, { ...this.base(at), identity });
  }

  startRecording(recordingId: string, at?: Date) {
    return this.handle.signal(recordingStartedSignal, { ...this.base(at), recordingId });
  }

  finishRecording(recordingId: string, file: Omit<RecordingFinishedEvent, 'eventId' | 'at' | 'recordingId'>, at?: Date) {
    return this.handle.signal(recordingFinishedSignal, { ...this.base(at), recordingId, ...file });
  }

  finishRoom(at?: Date) {
    return this.handle.signal(roomFinishedSignal, this.base(at));
  }
}

/** Polls the meeting's status until it reaches one of the phases (or the timeout passes). */
export async function waitForPhase(handle: WorkflowHandle, phases: string[], timeoutMs = 30_000, onChange?: (phase: string) => void): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    // A workflow another one is about to start (a recurring occurrence) may not exist yet: keep asking.
    const status = await handle.query(statusQuery).catch((error: unknown) => {
      if (error instanceof WorkflowNotFoundError && Date.now() < deadline) return undefined;
      throw error;
    });
    if (!status) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    if (status.phase !== last) {
      last = status.phase;
      onChange?.(last);
    }
    if (phases.includes(status.phase)) return status.phase;
    if (Date.now() > deadline) throw new Error(`meeting still ${status.phase} after ${timeoutMs} ms (waiting for ${phases.join(' or ')})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
