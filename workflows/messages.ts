/**
 * The meeting workflow's messages, defined once and used by the workflow, the API, the bot, the CLI and tests.
 * Types only and message definitions: nothing here may do I/O (it is bundled into workflow code).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

import type { MeetingPhase } from './phases';

export { MEETING_PHASES, type MeetingPhase } from './phases';

export interface Invitee {
  /** A Meetflow user id, when the invitee is one. */
  userId?: string;
  email: string;
  name?: string;
}

export interface MeetingSettings {
  autoRecord?: boolean;
  /** BCP-47 language of the meeting (transcription, summary). */
  language?: string;
  /** Minutes before the start that the reminder goes out (0 turns it off). */
  reminderMinutesBefore?: number;
  /** Minutes after the start that a meeting nobody joined is closed. */
  noShowGraceMinutes?: number;
  /** Hard stop for a live meeting, in minutes. */
  maxDurationMinutes?: number;
  /** How long to wait after the room closes for recordings still being finalised, in minutes. */
  recordingGraceMinutes?: number;
  /** How often to ask the video provider about recordings whose end was not reported, in seconds. */
  reconcileSeconds?: number;
  /** The kind of meeting whose template the summary follows (standup, retro, …); inferred when absent. */
  meetingKind?: string;
  /** Who gets the brief (earlier meetings' open items and decisions) in their reminder: the host, or everyone invited. */
  briefAudience?: 'host' | 'everyone';
  /** Minutes before the start that the brief goes out in a message of its own; unset (or the reminder's): in the reminder. */
  briefMinutesBefore?: number;
  /** 'on': the host approves the recap before participants get it (see RecapApproval). */
  approval?: 'on' | 'off';
  /** With approval on: minutes after the draft reaches the host that the recap goes out anyway; 0 = never. */
  approvalAutoReleaseMinutes?: number;
}

/**
 * The one set of defaults for a meeting's settings: the configuration's MEETING_* variables default to these, and
 * the workflow falls back to them for a setting its input does not carry.
 */
/** The settings the meeting workflow itself acts on, all with a value. */
export type WorkflowSettings = Required<Omit<MeetingSettings, 'meetingKind' | 'briefAudience' | 'briefMinutesBefore' | 'approval' | 'approvalAutoReleaseMinutes'>>;

export const MEETING_SETTING_DEFAULTS: WorkflowSettings = {
  autoRecord: false,
  language: 'en',
  reminderMinutesBefore: 10,
  noShowGraceMinutes: 15,
  maxDurationMinutes: 240,
  recordingGraceMinutes: 30,
  reconcileSeconds: 60,
};

export interface MeetingInput {
  roomId: string;
  hostId: string;
  title: string;
  /** ISO 8601 instant. */
  scheduledStart: string;
  plannedDurationMinutes: number;
  invitees: Invitee[];
  settings?: MeetingSettings;
}

export interface ParticipantStatus {
  identity: string;
  name?: string;
  joinedAt: string;
  leftAt?: string;
  /** Seconds present so far (all joins summed). */
  seconds: number;
  present: boolean;
}

export interface RecordingStatus {
  recordingId: string;
  status: 'recording' | 'finished' | 'processing' | 'completed' | 'failed';
  transcriptId?: string;
  summaryId?: string;
  error?: string;
}

export interface InvitationStatus {
  email: string;
  userId?: string;
  status: 'pending' | 'accepted' | 'declined' | 'cancelled';
}

export interface MeetingStatus {
  roomId: string;
  title: string;
  phase: MeetingPhase;
  scheduledStart: string;
  startedAt?: string;
  endedAt?: string;
  /** Why the meeting ended the way it did (cancel reason, "nobody joined", "maximum duration reached"). */
  endReason?: string;
  participants: ParticipantStatus[];
  recordings: RecordingStatus[];
  invitations: InvitationStatus[];
  summaryId?: string;
  /** What the meeting produced, or why it produced nothing (e.g. no recording). */
  outcome?: string;
  lastError?: string;
  /** When the reminder before the start went out (ISO 8601). */
  reminderSentAt?: string;
  /** Invite sequence: 0 at first, +1 at every reschedule (iCalendar SEQUENCE). */
  sequence: number;
  /** Each person's latest recording decision (absent: nobody has answered). */
  consent?: ConsentStatus[];
}

/** One person's say on being recorded: `record: false` and the recorder never subscribes to them. */
export interface ConsentInput {
  /** The Meetflow user deciding for themselves (their identity in the room). */
  userId: string;
  record: boolean;
  /** The decision's id: the same id twice changes nothing. */
  eventId: string;
}

export interface ConsentStatus extends ConsentInput {
  /** ISO 8601 instant the workflow took the decision. */
  at: string;
}

/** The consent update's answer: the person's decision now, and whether this event changed anything. */
export interface ConsentResult {
  consent: ConsentStatus;
  duplicate: boolean;
}

/**
 * What only the workflow knows of its status, stored with each phase change (and reschedule) in
 * rooms.workflow_state, so GET /meetings/:id answers from PostgreSQL; participants and invitations have rows of their own.
 */
export type MeetingMirror = Pick<MeetingStatus, 'endReason' | 'outcome' | 'lastError' | 'reminderSentAt' | 'sequence' | 'summaryId' | 'recordings'>;

/** Every video event carries the provider's event id: a duplicate delivery of the same id changes nothing. */
export interface VideoEvent {
  eventId: string;
  /** ISO 8601 instant of the event at the provider. */
  at: string;
}

export interface ParticipantEvent extends VideoEvent {
  /** The participant's identity in the room: a Meetflow user id. */
  identity: string;
  name?: string;
}

export interface RecordingEvent extends VideoEvent {
  recordingId: string;
}

export interface RecordingFinishedEvent extends RecordingEvent {
  filePath?: string;
  fileUrl?: string;
  fileSize?: number;
  durationSeconds?: number;
  /** Set when the recorder failed: the recording is kept but not processed. */
  error?: string;
}

export interface RsvpInput {
  invitationToken: string;
  response: 'accept' | 'decline';
}

export const rescheduleUpdate = defineUpdate<MeetingStatus, [start: string]>('reschedule');
export const cancelUpdate = defineUpdate<MeetingStatus, [reason: string]>('cancel');
export const endMeetingUpdate = defineUpdate<MeetingStatus, []>('endMeeting');
export const rsvpUpdate = defineUpdate<InvitationStatus, [input: RsvpInput]>('rsvp');
export const consentUpdate = defineUpdate<ConsentResult, [input: ConsentInput]>('consent');

export const participantJoinedSignal = defineSignal<[ParticipantEvent]>('participantJoined');
export const participantLeftSignal = defineSignal<[ParticipantEvent]>('participantLeft');
export const recordingStartedSignal = defineSignal<[RecordingEvent]>('recordingStarted');
export const recordingFinishedSignal = defineSignal<[RecordingFinishedEvent]>('recordingFinished');
export const roomFinishedSignal = defineSignal<[VideoEvent]>('roomFinished');

export const statusQuery = defineQuery<MeetingStatus>('status');

/** Sent to an action item's reminder workflow when the item is completed (or deleted) first. */
export const actionItemClosedSignal = defineSignal('actionItemClosed');
/** Moves an action item's reminder (due date changed, or snoozed). */
export const actionItemDueDateSignal = defineSignal<[dueDate: string]>('actionItemDueDate');
/** Asks for the reminder again at this instant (ISO 8601): "Snooze 1 day". */
export const actionItemSnoozeSignal = defineSignal<[remindAt: string]>('actionItemSnooze');

/** What the host may change in a draft recap; what is left out stays as the draft had it. */
export interface RecapEdit {
  executiveSummary?: string;
  decisions?: string[];
  actionItems?: { title: string; assigneeId?: string; dueDate?: string }[];
}

/** The host's answer to a draft recap: approve it (perhaps edited first: a new summary version) or discard it. */
export interface RecapDecision {
  decision: 'approve' | 'discard';
  /** The Meetflow user who decided (the editor of an edit). */
  actorId: string;
  edit?: RecapEdit;
}

/** Where a recording's recap stands: `awaiting` the host, or how it ended. */
export type RecapApprovalState = 'awaiting' | 'approved' | 'released' | 'discarded';

export interface RecapStatus {
  state: RecapApprovalState;
  /** The draft's summary, and the version delivered (an edit's) once approved. */
  summaryId: string;
  deliveredSummaryId?: string;
  /** When the auto-release timer fires (ISO 8601); absent when it never does. */
  releaseAt?: string;
}

/** Handled by a recording pipeline awaiting its host's approval (clients/recaps.ts finds it). */
export const approveRecapUpdate = defineUpdate<RecapStatus, [decision: RecapDecision]>('approveRecap');
export const recapStatusQuery = defineQuery<RecapStatus | null>('recapStatus');
