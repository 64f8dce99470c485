import type { EntityManager } from '@mikro-orm/postgresql';
import { type Client, WorkflowIdReusePolicy, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../config';
import type { AuditInput } from '../db/audit';
import type { RoomEntity, Person } from '../db/entities';
import { createMeetingRoom, deleteUnstartedMeeting } from '../db/meetings';
import { meetingWorkflowId } from '../workflows/ids';
import { cancelUpdate, consentUpdate, endMeetingUpdate, rescheduleUpdate, rsvpUpdate, statusQuery, type ConsentInput, type ConsentResult, type InvitationStatus, type Invitee, type MeetingInput, type MeetingSettings, type MeetingStatus, type RsvpInput } from '../workflows/messages';
import { meetingWorkflow } from '../workflows/meeting';
import { REFUSAL_TYPES } from '../workflows/phases';
import { MeetingHostKey, MeetingStartKey, MeetingStatusKey } from '../workflows/search-attributes';

export interface ScheduleMeetingRequest {
  host: Person;
  title: string;
  description?: string;
  start: Date;
  durationMinutes: number;
  invitees: Invitee[];
  tags?: string[];
  settings?: MeetingSettings;
  type?: 'scheduled' | 'instant' | 'recurring';
  /** The audit row of this act, written in the same statement as the room. */
  audit?: Omit<AuditInput, 'target'>;
}

/** The workflow settings a meeting gets when its request does not say: from the configuration. */
export function defaultMeetingSettings(cfg: Config): MeetingSettings {
  return {
    reminderMinutesBefore: cfg.MEETING_REMINDER_MINUTES,
    briefAudience: cfg.BRIEF_AUDIENCE,
    noShowGraceMinutes: cfg.MEETING_NO_SHOW_GRACE_MINUTES,
    maxDurationMinutes: cfg.MEETING_MAX_DURATION_MINUTES,
    recordingGraceMinutes: cfg.RECORDING_GRACE_MINUTES,
    approval: cfg.RECAP_APPROVAL_DEFAULT,
    approvalAutoReleaseMinutes: cfg.RECAP_AUTO_RELEASE_MINUTES,
  };
}

/**
 * Schedules a meeting: writes its room row, then starts its workflow (id `meeting-<roomId>`, so starting
 * twice is refused by Temporal) with the search attributes operators filter on.
 */
export async function scheduleMeeting(
  deps: { em: EntityManager; temporal: Client; cfg: Config; taskQueue?: string },
  request: ScheduleMeetingRequest,
): Promise<{ room: RoomEntity; workflowId: string; input: MeetingInput }> {
  const settings = { ...defaultMeetingSettings(deps.cfg), ...request.settings };
  const room = await createMeetingRoom(
    deps.em,
    {
      host: request.host,
      title: request.title,
      description: request.description,
      scheduledStart: request.start,
      plannedDurationMinutes: request.durationMinutes,
      tags: request.tags,
      settings: settings as Record<string, unknown>,
      type: request.type,
    },
    meetingWorkflowId,
    request.audit,
  );
  const input: MeetingInput = {
    roomId: room.id,
    hostId: request.host.id,
    title: request.title,
    scheduledStart: request.start.toISOString(),
    plannedDurationMinutes: request.durationMinutes,
    invitees: request.invitees,
    settings,
  };
  const workflowId = meetingWorkflowId(room.id);
  await startMeetingWorkflow(deps, workflowId, input, request).catch(async (error: unknown) => {
    await removeIfNeverStarted(deps, room);
    throw error;
  });
  return { room, workflowId, input };
}

function startMeetingWorkflow(deps: { temporal: Client; cfg: Config; taskQueue?: string }, workflowId: string, input: MeetingInput, request: ScheduleMeetingRequest) {
  return deps.temporal.workflow.start(meetingWorkflow, {
    workflowId,
    taskQueue: deps.taskQueue ?? deps.cfg.TEMPORAL_TASK_QUEUE,
    args: [input],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    typedSearchAttributes: [
      { key: MeetingStatusKey, value: 'scheduled' },
      { key: MeetingHostKey, value: request.host.email },
      { key: MeetingStartKey, value: request.start },
    ],
  });
}

/**
 * A start Temporal refused leaves a room no workflow will ever move on from `scheduled`: it goes, with the audit row
 * written beside it (nothing was created). It stays when its workflow exists after all (a start whose answer was
 * lost); Temporal unreachable counts as not started (a workflow without its room fails at its first step).
 */
async function removeIfNeverStarted(deps: { em: EntityManager; temporal: Client }, room: RoomEntity): Promise<void> {
  const started = await deps.temporal.workflow
    .getHandle(meetingWorkflowId(room.id))
    .describe()
    .then(
      () => true,
      () => false,
    );
  if (!started) await deleteUnstartedMeeting(deps.em, room.id);
}

/**
 * A meeting said no: `invalid` input (fix what you sent), a `conflict` with its phase (not now), or it is `over`
 * (its workflow has ended and takes no more changes). Every door maps these three to its own words.
 */
export class MeetingRefusal extends Error {
  override name = 'MeetingRefusal';
  constructor(
    readonly kind: 'invalid' | 'conflict' | 'over',
    message: string,
  ) {
    super(message);
  }
}

export async function ask<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      const cause = error.cause instanceof ApplicationFailure ? error.cause : undefined;
      throw new MeetingRefusal(cause?.type === REFUSAL_TYPES.invalid ? 'invalid' : 'conflict', cause?.message ?? 'the meeting refused that');
    }
    if (error instanceof WorkflowNotFoundError) throw new MeetingRefusal('over', 'this meeting is over: its workflow no longer takes changes');
    throw error;
  }
}

/** The one way api/, bot/ and cli/ talk to a meeting's workflow: its updates and its status, refusals typed. */
export class MeetingsClient {
  constructor(private readonly temporal: Client) {}

  private handle(roomId: string) {
    return this.temporal.workflow.getHandle(meetingWorkflowId(roomId));
  }

  reschedule(roomId: string, start: Date | string): Promise<MeetingStatus> {
    const iso = typeof start === 'string' ? start : start.toISOString();
    return ask(() => this.handle(roomId).executeUpdate(rescheduleUpdate, { args: [iso] }));
  }

  cancel(roomId: string, reason: string): Promise<MeetingStatus> {
    return ask(() => this.handle(roomId).executeUpdate(cancelUpdate, { args: [reason] }));
  }

  end(roomId: string): Promise<MeetingStatus> {
    return ask(() => this.handle(roomId).executeUpdate(endMeetingUpdate));
  }

  rsvp(roomId: string, input: RsvpInput): Promise<InvitationStatus> {
    return ask(() => this.handle(roomId).executeUpdate(rsvpUpdate, { args: [input] }));
  }

  /** A person's say on being recorded (an update with its event id: the same id twice changes nothing). */
  consent(roomId: string, input: ConsentInput): Promise<ConsentResult> {
    return ask(() => this.handle(roomId).executeUpdate(consentUpdate, { args: [input] }));
  }

  /** The workflow's own view of the meeting (a query); `over` when its workflow is gone. */
  status(roomId: string): Promise<MeetingStatus> {
    return ask(() => this.handle(roomId).query(statusQuery));
  }
}
