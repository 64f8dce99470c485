import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

/** A timeout profile sees only the activities it is for: calling one through the wrong profile does not compile. */
type Profile<Name extends keyof Activities> = Pick<Activities, Name>;

/** Fast database writes: short timeouts, patient retries (a PostgreSQL restart is survived). */
export const db = proxyActivities<
  Profile<
    | 'setMeetingPhase'
    | 'createInvitations'
    | 'recordRsvp'
    | 'recordConsent'
    | 'recordParticipant'
    | 'recordParticipants'
    | 'recordRecording'
    | 'latestTranscriptOf'
    | 'nextSummaryVersion'
    | 'buildReports'
    | 'getActionItem'
    | 'createOccurrenceRoom'
    | 'runMaintenanceJob'
    | 'setRecapState'
    | 'saveEditedRecap'
  >
>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 30 },
});

/**
 * The meeting's mirror writes as local activities, for meetings started between patches serial-local-mirror-writes
 * and serial-mirror-activities (their histories hold these markers and must replay). New meetings write through
 * `db`: see mirrorWriter in meeting.ts for why.
 */
export const mirrorDb = proxyLocalActivities<Profile<'setMeetingPhase' | 'recordParticipants' | 'recordRecording'>>({
  startToCloseTimeout: '15 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 30 },
});

/**
 * Calls to the video provider (LiveKit's server API answers in milliseconds; its client gives up after 10 s):
 * bounded, so a provider that is down surfaces as the meeting's error instead of a retry that never ends.
 */
export const video = proxyActivities<Profile<'startRoomRecording' | 'reconcileRecordings' | 'reconcileRoom' | 'closeMeetingRoom'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 20 },
});

/**
 * Messages to people: providers rate-limit and fail transiently; bounded so a dead provider surfaces.
 * Delivery activities heartbeat after every message, so a worker that died mid-delivery is noticed in 20 s.
 * Opening the room goes here too: it tells everyone the meeting is starting.
 */
export const delivery = proxyActivities<Profile<'sendInvites' | 'sendMeetingReminder' | 'startMeetingRoom' | 'deliverResults' | 'sendActionItemReminder' | 'sendRecapDraft'>>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 12, nonRetryableErrorTypes: ['Unreachable'] },
});

/** Speech-to-text: long, heartbeating. */
export const transcription = proxyActivities<Profile<'transcribeRecording'>>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 6, nonRetryableErrorTypes: ['Untranscribable', 'EmptyTranscript'] },
});

/** Summaries (an LLM call for the real provider): heartbeating, so a dead worker is replaced within 30 s. */
export const summarization = proxyActivities<Profile<'summarizeTranscript'>>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5, nonRetryableErrorTypes: ['TranscriptPurged'] },
});

/**
 * Meetflow's own recorder: one activity as long as the meeting (its maximum duration plus a margin), heartbeating
 * every 5 s, so a worker that died mid-meeting is noticed in 20 s and another one rejoins and records on.
 */
export function recorder(maxDurationMinutes: number) {
  return proxyActivities<Profile<'recordRoom'>>({
    startToCloseTimeout: `${maxDurationMinutes + 30} minutes`,
    heartbeatTimeout: '20 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '15 seconds', maximumAttempts: 40, nonRetryableErrorTypes: ['RecordingNotFound', 'RecordingOfAnotherMeeting', 'NoTrackRecorder'] },
  });
}
