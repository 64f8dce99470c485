import { type Client, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { meetingWorkflowId } from '../workflows/ids';
import {
  participantJoinedSignal,
  participantLeftSignal,
  recordingFinishedSignal,
  recordingStartedSignal,
  roomFinishedSignal,
  statusQuery,
  type RecordingFinishedEvent,
} from '../workflows/messages';
import { MeetingRefusal } from './meetings';

/** Where an event came from: the provider's own event id and time (a webhook), or new ones (the demo, tests). */
export interface EventOrigin {
  eventId?: string;
  at?: Date;
}

/**
 * Sends a meeting the events of its video room: the LiveKit webhook receiver for real rooms (with LiveKit's event
 * ids, so a redelivered webhook changes nothing), `meetflow demo` and the tests to play a meeting without one.
 * A meeting whose workflow has ended refuses with MeetingRefusal 'over'.
 */
export class MeetingEvents {
  constructor(private readonly handle: WorkflowHandle) {}

  static of(temporal: Client, roomId: string): MeetingEvents {
    return new MeetingEvents(temporal.workflow.getHandle(meetingWorkflowId(roomId)));
  }

  private base(origin: EventOrigin) {
    return { eventId: origin.eventId ?? randomUUID(), at: (origin.at ?? new Date()).toISOString() };
  }

  private async send(send: () => Promise<void>): Promise<void> {
    try {
      await send();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new MeetingRefusal('over', 'this meeting is over: its workflow no longer takes events');
      throw error;
    }
  }

  join(identity: string, name?: string, origin: EventOrigin = {}) {
    return this.send(() => this.handle.signal(participantJoinedSignal, { ...this.base(origin), identity, name }));
  }

  leave(identity: string, origin: EventOrigin = {}) {
    return this.send(() => this.handle.signal(participantLeftSignal, { ...this.base(origin), identity }));
  }

  startRecording(recordingId: string, origin: EventOrigin = {}) {
    return this.send(() => this.handle.signal(recordingStartedSignal, { ...this.base(origin), recordingId }));
  }

  finishRecording(recordingId: string, file: Omit<RecordingFinishedEvent, 'eventId' | 'at' | 'recordingId'>, origin: EventOrigin = {}) {
    return this.send(() => this.handle.signal(recordingFinishedSignal, { ...this.base(origin), recordingId, ...file }));
  }

  finishRoom(origin: EventOrigin = {}) {
    return this.send(() => this.handle.signal(roomFinishedSignal, this.base(origin)));
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
