import type { EntityManager } from '@mikro-orm/postgresql';
import { type Client, WorkflowIdReusePolicy } from '@temporalio/client';
import type { Config } from '../config';
import type { RoomEntity, UserEntity } from '../db/entities';
import { createMeetingRoom } from '../db/meetings';
import { meetingWorkflowId } from '../workflows/ids';
import type { Invitee, MeetingInput, MeetingSettings } from '../workflows/messages';
import { meetingWorkflow } from '../workflows/meeting';
import { MeetingHostKey, MeetingStartKey, MeetingStatusKey } from '../workflows/search-attributes';

export interface ScheduleMeetingRequest {
  host: UserEntity;
  title: string;
  description?: string;
  start: Date;
  durationMinutes: number;
  invitees: Invitee[];
  tags?: string[];
  settings?: MeetingSettings;
  type?: 'scheduled' | 'instant' | 'recurring';
}

/** The workflow settings a meeting gets when its request does not say: from the configuration. */
export function defaultMeetingSettings(cfg: Config): MeetingSettings {
  return {
    reminderMinutesBefore: cfg.MEETING_REMINDER_MINUTES,
    noShowGraceMinutes: cfg.MEETING_NO_SHOW_GRACE_MINUTES,
    maxDurationMinutes: cfg.MEETING_MAX_DURATION_MINUTES,
    recordingGraceMinutes: cfg.RECORDING_GRACE_MINUTES,
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
  await deps.temporal.workflow.start(meetingWorkflow, {
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
  return { room, workflowId, input };
}
