import { ParentClosePolicy, patched, startChild, upsertSearchAttributes, uuid4, workflowInfo } from '@temporalio/workflow';
import { db } from './activity-options';
import { meetingWorkflowId } from './ids';
import { meetingWorkflow } from './meeting';
import type { Invitee, MeetingSettings } from './messages';
import { MeetingHostKey, MeetingStartKey, MeetingStatusKey, TemporalScheduledStartTimeKey } from './search-attributes';

export type RecurrenceFrequency = 'daily' | 'weekdays' | 'weekly' | 'every_n_weeks' | 'monthly';

export interface RecurringSeries {
  seriesId: string;
  hostId: string;
  hostEmail: string;
  title: string;
  durationMinutes: number;
  invitees: Invitee[];
  settings: MeetingSettings;
  /** The schedule fires this long before each occurrence, so invites go out ahead of it. */
  leadMinutes: number;
  /** What the series' readers see (GET /series/{id}); the workflow itself does not read these. */
  rule?: string;
  timeZone?: string;
  /** The first occurrence still to come when the series (or its time) was last set: its time of day is the series'. */
  firstStart?: string;
  /** Occurrence dates (YYYY-MM-DD in timeZone) the host skipped. */
  skipped?: string[];
  cancelled?: boolean;
}

const MINUTE = 60_000;

/**
 * Started by the series' Temporal Schedule, `leadMinutes` before an occurrence: creates that occurrence's room
 * and starts its own meeting workflow, which then lives on independently (ABANDON).
 */
export async function recurringOccurrenceWorkflow(series: RecurringSeries): Promise<{ roomId: string; workflowId: string; start: string }> {
  // The Schedule's own time for this run, not when the run happened to start (a late or caught-up run would
  // otherwise move the occurrence). Runs started before this rule, or not by a Schedule, round the clock.
  const scheduledAt = patched('occurrence-at-schedule-time') ? workflowInfo().typedSearchAttributes.get(TemporalScheduledStartTimeKey) : undefined;
  const firedAt = scheduledAt ? scheduledAt.getTime() : Math.round(Date.now() / MINUTE) * MINUTE;
  const start = new Date(firedAt + series.leadMinutes * MINUTE);
  const roomId = uuid4(); // recorded in history: a retried activity gets the same id and finds its room
  await db.createOccurrenceRoom({ roomId, seriesId: series.seriesId, hostId: series.hostId, title: series.title, start: start.toISOString(), durationMinutes: series.durationMinutes, settings: series.settings });
  const workflowId = meetingWorkflowId(roomId);
  await startChild(meetingWorkflow, {
    workflowId,
    parentClosePolicy: ParentClosePolicy.ABANDON,
    args: [{ roomId, hostId: series.hostId, title: series.title, scheduledStart: start.toISOString(), plannedDurationMinutes: series.durationMinutes, invitees: series.invitees, settings: series.settings }],
    typedSearchAttributes: [
      { key: MeetingStatusKey, value: 'scheduled' },
      { key: MeetingHostKey, value: series.hostEmail },
      { key: MeetingStartKey, value: start },
    ],
  });
  upsertSearchAttributes([{ key: MeetingHostKey, value: series.hostEmail }]);
  return { roomId, workflowId, start: start.toISOString() };
}
