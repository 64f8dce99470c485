import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  executeChild,
  log,
  patched,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ParticipantRow } from '../activities/meetings';
import { db, delivery, mirrorDb, recorder, video } from './activity-options';
import { recordingWorkflowId, trackRecordingId } from './ids';
import {
  cancelUpdate,
  endMeetingUpdate,
  type InvitationStatus,
  type MeetingInput,
  type MeetingMirror,
  type MeetingPhase,
  MEETING_SETTING_DEFAULTS,
  type WorkflowSettings,
  type MeetingStatus,
  participantJoinedSignal,
  participantLeftSignal,
  type ParticipantEvent,
  type RecordingStatus,
  recordingFinishedSignal,
  type RecordingFinishedEvent,
  recordingStartedSignal,
  rescheduleUpdate,
  roomFinishedSignal,
  rsvpUpdate,
  statusQuery,
  type VideoEvent,
} from './messages';
import { CANCELLABLE_PHASES, CLOSED_PHASES, isPhaseIn, REFUSAL_TYPES, RESCHEDULABLE_PHASES } from './phases';
import { registerConsent } from './consent';
import { recordingPipelineWorkflow } from './recording-pipeline';
import { MeetingStartKey, MeetingStatusKey } from './search-attributes';

const MINUTE = 60_000;

type MirrorWrites = Pick<Activities, 'setMeetingPhase' | 'recordParticipants' | 'recordRecording'>;

/**
 * The meeting's writes of its own state (phase, participants, recordings), one at a time, as regular activities.
 *
 * They were local activities for a while (patch serial-local-mirror-writes): no task of their own, but the SDK
 * does not replay them where the first run had them. Under load a local activity's result can reach the workflow
 * in the workflow task after the one its marker is recorded in; a replaying worker hands it over a task early, and
 * whatever the meeting does next (the next write in its queue, a patch) comes in another order: in CI, meetings
 * caught by a worker restart stopped for good on "Nondeterminism error: Activity type of recorded marker
 * 'recordParticipants' does not match activity type of local activity command 'recordRecording'" and on
 * "Non-deprecated patch marker encountered for change __sdk_internal_patch_number:1". A regular activity's result
 * is an event of the history, handed over where it stands.
 *
 * One at a time, so the rows change in the order the meeting did; and as local activities, concurrent writes did
 * not replay the same either (their results came back in one activation where the first run had them in several:
 * the worker-kill fault test, 2 of 50 meetings). Meetings started before either patch write side by side.
 */
function mirrorWriter(): MirrorWrites {
  if (patched('serial-mirror-activities')) return oneAtATime(db);
  if (patched('serial-local-mirror-writes')) return oneAtATime(mirrorDb);
  return db;
}

function oneAtATime(writes: MirrorWrites): MirrorWrites {
  let queue: Promise<unknown> = Promise.resolve();
  const inTurn =
    <Input, Output>(write: (input: Input) => Promise<Output>) =>
    (input: Input): Promise<Output> => {
      const turn = queue.then(() => write(input));
      queue = turn.catch(() => undefined);
      return turn;
    };
  return { setMeetingPhase: inTurn(writes.setMeetingPhase), recordParticipants: inTurn(writes.recordParticipants), recordRecording: inTurn(writes.recordRecording) };
}

/** Refusals from update validators carry a type, so callers can tell bad input (422) from a wrong moment (409). */
const invalid = (message: string) => ApplicationFailure.create({ message, type: REFUSAL_TYPES.invalid, nonRetryable: true });
const conflict = (message: string) => ApplicationFailure.create({ message, type: REFUSAL_TYPES.conflict, nonRetryable: true });
const nowIso = () => new Date(Date.now()).toISOString();

/**
 * One meeting, from scheduling to everyone's report: scheduled → inviting → waiting → live → processing →
 * completed (or cancelled before processing). Everything that touches the world is an activity.
 */
export async function meetingWorkflow(input: MeetingInput): Promise<MeetingStatus> {
  const settings = { ...MEETING_SETTING_DEFAULTS, ...input.settings };
  const meeting = new MeetingState(input);

  setHandler(statusQuery, () => meeting.status);
  registerVideoEvents(meeting);
  registerUpdates(input, meeting);
  registerConsent(meeting);

  await meeting.enter('inviting');
  const invitations = await db.createInvitations({ roomId: input.roomId, invitees: input.invitees, expiresAt: new Date(Date.parse(input.scheduledStart) + 24 * 60 * MINUTE).toISOString() });
  meeting.setInvitations(invitations);
  await delivery.sendInvites({ roomId: input.roomId, kind: 'invite', sequence: 0 });

  await meeting.enter('waiting');
  await waitForStart(meeting, settings);
  if (meeting.cancelReason === undefined) {
    await runLive(meeting, settings);
  }
  if (meeting.cancelReason !== undefined) {
    await cancel(meeting);
  } else {
    await processRecordings(meeting, settings);
  }
  await condition(allHandlersFinished);
  return meeting.status;
}

/** The workflow's memory of the meeting, and the one place that changes its phase. */
class MeetingState {
  readonly status: MeetingStatus;
  readonly seenEvents = new Set<string>();
  readonly tokens = new Map<string, InvitationStatus>();
  readonly joins = new Map<string, number>();
  cancelReason?: string;
  /** Whether the meeting has a video room (a provider to reconcile with). */
  hasRoom = false;
  endRequested = false;
  roomFinished = false;
  startMoved = false;
  /** A reschedule is writing its start and sending its invites (they run one at a time). */
  rescheduling = false;
  /** Meetflow's own recorder, running beside the live meeting until its room closes. */
  recorder?: Promise<void>;
  /** Participants whose row is behind their state, and the one loop writing them (see saveParticipant). */
  readonly unsavedParticipants = new Set<string>();
  participantWriter?: Promise<void>;
  private writer?: MirrorWrites;

  constructor(readonly input: MeetingInput) {
    this.status = {
      roomId: input.roomId,
      title: input.title,
      phase: 'scheduled',
      scheduledStart: input.scheduledStart,
      participants: [],
      recordings: [],
      invitations: [],
      sequence: 0,
    };
  }

  get phase(): MeetingPhase {
    return this.status.phase;
  }

  /** Made at the first write, where the meeting's patch marker has always been recorded. */
  get mirrorWrites(): MirrorWrites {
    return (this.writer ??= mirrorWriter());
  }

  /**
   * The phase changes once it is stored, so whoever waits on it (an update) then finds rooms.status agreeing.
   * Meetings started before this rule changed it first (the patch keeps their replay deterministic).
   */
  async enter(phase: MeetingPhase, times: { startedAt?: string; endedAt?: string } = {}): Promise<void> {
    const storeFirst = patched('phase-after-store');
    if (!storeFirst) this.status.phase = phase;
    upsertSearchAttributes([{ key: MeetingStatusKey, value: phase }]);
    await this.mirrorWrites.setMeetingPhase({ roomId: this.input.roomId, phase, ...times, mirror: this.mirror });
    this.status.phase = phase;
    log.info('meeting phase', { phase });
  }

  /** A copy (an activity's input is serialized later, and the status keeps changing meanwhile). */
  get mirror(): MeetingMirror {
    const { endReason, outcome, lastError, reminderSentAt, sequence, summaryId, recordings } = this.status;
    return { endReason, outcome, lastError, reminderSentAt, sequence, summaryId, recordings: recordings.map((recording) => ({ ...recording })) };
  }

  setInvitations(invitations: (InvitationStatus & { token: string })[]): void {
    for (const { token, ...invitation } of invitations) {
      this.tokens.set(token, invitation);
      this.status.invitations.push(invitation);
    }
  }

  /** True the first time an event id is seen: video providers may deliver the same event twice. */
  firstTime(event: VideoEvent): boolean {
    if (this.seenEvents.has(event.eventId)) return false;
    this.seenEvents.add(event.eventId);
    return true;
  }

  get anyoneJoined(): boolean {
    return this.status.participants.length > 0;
  }
}

function registerUpdates(input: MeetingInput, meeting: MeetingState): void {
  setHandler(
    rescheduleUpdate,
    async (start) => {
      // One reschedule at a time: two in flight would write their starts in either order and could send the
      // highest SEQUENCE with the older time. Meetings started before this rule replay without the wait.
      const serial = patched('serial-reschedules');
      if (serial) {
        // A loop, not one wait: conditions that come true together all resume, and only the first may go on.
        while (meeting.rescheduling) await condition(() => !meeting.rescheduling);
        if (!isPhaseIn(meeting.phase, RESCHEDULABLE_PHASES)) throw conflict(`the meeting is ${meeting.phase}: only a meeting that has not started can be rescheduled`);
        meeting.rescheduling = true;
      }
      try {
        meeting.status.scheduledStart = new Date(start).toISOString();
        meeting.status.sequence += 1;
        const sequence = meeting.status.sequence;
        meeting.startMoved = true;
        upsertSearchAttributes([{ key: MeetingStartKey, value: new Date(start) }]);
        await meeting.mirrorWrites.setMeetingPhase({ roomId: input.roomId, phase: meeting.phase, scheduledStart: meeting.status.scheduledStart, mirror: meeting.mirror });
        await delivery.sendInvites({ roomId: input.roomId, kind: 'update', sequence: serial ? sequence : meeting.status.sequence });
        return meeting.status;
      } finally {
        if (serial) meeting.rescheduling = false;
      }
    },
    {
      validator: (start) => {
        const at = Date.parse(start);
        if (Number.isNaN(at)) throw invalid(`"${start}" is not a date and time: use ISO 8601, e.g. 2026-12-03T14:00:00Z`);
        if (at <= Date.now()) throw invalid(`the new start ${new Date(at).toISOString()} is in the past`);
        if (!isPhaseIn(meeting.phase, RESCHEDULABLE_PHASES)) throw conflict(`the meeting is ${meeting.phase}: only a meeting that has not started can be rescheduled`);
        if (meeting.cancelReason !== undefined) throw conflict('the meeting is being cancelled');
      },
    },
  );

  setHandler(
    cancelUpdate,
    async (reason) => {
      meeting.cancelReason = reason.trim() || 'cancelled by the host';
      await condition(() => meeting.phase === 'cancelled');
      return meeting.status;
    },
    {
      validator: (_reason: string) => {
        if (!isPhaseIn(meeting.phase, CANCELLABLE_PHASES)) throw conflict(`the meeting is ${meeting.phase}: it can no longer be cancelled`);
      },
    },
  );

  setHandler(
    endMeetingUpdate,
    async () => {
      meeting.endRequested = true;
      await condition(() => meeting.phase !== 'live');
      return meeting.status;
    },
    {
      validator: () => {
        if (meeting.phase !== 'live') throw conflict(`the meeting is ${meeting.phase}: only a live meeting can be ended`);
      },
    },
  );

  setHandler(
    rsvpUpdate,
    async ({ invitationToken, response }) => {
      const result = await db.recordRsvp({ roomId: input.roomId, token: invitationToken, response });
      const invitation = meeting.tokens.get(invitationToken)!;
      invitation.status = result.status;
      return { ...invitation };
    },
    {
      validator: ({ invitationToken, response }) => {
        if (!meeting.tokens.has(invitationToken)) throw invalid('unknown invitation token for this meeting');
        if (response !== 'accept' && response !== 'decline') throw invalid(`response must be "accept" or "decline", not "${String(response)}"`);
        if (isPhaseIn(meeting.phase, CLOSED_PHASES)) throw conflict(`the meeting is ${meeting.phase}: it no longer takes replies`);
      },
    },
  );
}

function registerVideoEvents(meeting: MeetingState): void {
  const { roomId } = meeting.input;
  setHandler(participantJoinedSignal, async (event) => {
    if (!meeting.firstTime(event)) return;
    const participant = participantFor(meeting, event);
    if (!participant.present) {
      participant.present = true;
      participant.leftAt = undefined;
      meeting.joins.set(event.identity, Date.parse(event.at));
    }
    await saveParticipant(meeting, roomId, event.identity);
  });
  setHandler(participantLeftSignal, async (event) => {
    if (!meeting.firstTime(event)) return;
    const participant = meeting.status.participants.find((p) => p.identity === event.identity);
    if (!participant?.present) return;
    participant.present = false;
    participant.leftAt = event.at;
    participant.seconds += Math.max(0, (Date.parse(event.at) - (meeting.joins.get(event.identity) ?? Date.parse(event.at))) / 1000);
    await saveParticipant(meeting, roomId, event.identity);
  });
  setHandler(recordingStartedSignal, async (event) => {
    if (!meeting.firstTime(event) || meeting.status.recordings.some((r) => r.recordingId === event.recordingId)) return;
    meeting.status.recordings.push({ recordingId: event.recordingId, status: 'recording' });
    await meeting.mirrorWrites.recordRecording({ roomId, recordingId: event.recordingId, startedAt: event.at });
  });
  setHandler(recordingFinishedSignal, async (event: RecordingFinishedEvent) => {
    if (!meeting.firstTime(event)) return;
    let recording = meeting.status.recordings.find((r) => r.recordingId === event.recordingId);
    if (!recording) {
      recording = { recordingId: event.recordingId, status: 'recording' };
      meeting.status.recordings.push(recording);
    }
    if (recording.status !== 'recording') return;
    // Stored before the status changes: the pipeline starts on the status and must read the finished row (its
    // file). Meetings that began before this rule keep the old order on replay (the patch).
    const storedFirst = patched('recording-stored-before-finished');
    if (storedFirst) {
      await meeting.mirrorWrites.recordRecording({ roomId, recordingId: event.recordingId, finished: event });
      if (recording.status !== 'recording') return;
    }
    recording.status = event.error ? 'failed' : 'finished';
    recording.error = event.error;
    if (!storedFirst) await meeting.mirrorWrites.recordRecording({ roomId, recordingId: event.recordingId, finished: event });
  });
  setHandler(roomFinishedSignal, (event) => {
    if (meeting.firstTime(event)) meeting.roomFinished = true;
  });
}

function participantFor(meeting: MeetingState, event: ParticipantEvent) {
  let participant = meeting.status.participants.find((p) => p.identity === event.identity);
  if (!participant) {
    participant = { identity: event.identity, name: event.name, joinedAt: event.at, seconds: 0, present: false };
    meeting.status.participants.push(participant);
  }
  return participant;
}

/**
 * Writes participants one batch at a time, each with its latest state: a join and a leave written side by
 * side could land in either order and leave someone "joined" after they left (and the room's count wrong).
 * Meetings that started before this rule keep writing side by side on replay (the patch).
 */
async function saveParticipant(meeting: MeetingState, roomId: string, identity: string): Promise<void> {
  if (!patched('serial-participant-writes')) return writeParticipant(meeting, roomId, identity);
  meeting.unsavedParticipants.add(identity);
  meeting.participantWriter ??= (async () => {
    try {
      while (meeting.unsavedParticipants.size) {
        const batch = [...meeting.unsavedParticipants];
        meeting.unsavedParticipants.clear();
        await meeting.mirrorWrites.recordParticipants({ roomId, participants: batch.map((id) => participantRow(meeting, id)), count: presentCount(meeting) });
      }
    } finally {
      // In the same step as the last emptiness check: a participant added later starts a new writer.
      meeting.participantWriter = undefined;
    }
  })();
  return meeting.participantWriter;
}

const presentCount = (meeting: MeetingState) => meeting.status.participants.filter((p) => p.present).length;

function participantRow(meeting: MeetingState, identity: string): ParticipantRow {
  const participant = meeting.status.participants.find((p) => p.identity === identity)!;
  return { identity, name: participant.name, present: participant.present, joinedAt: participant.joinedAt, leftAt: participant.leftAt, seconds: participant.seconds };
}

/** How meetings started before serial-participant-writes save (one activity per event, side by side). */
async function writeParticipant(meeting: MeetingState, roomId: string, identity: string): Promise<void> {
  await db.recordParticipant({ roomId, ...participantRow(meeting, identity), count: presentCount(meeting) });
}

/** Durable timers to the reminder and the start; a reschedule moves them, a cancel ends the wait. */
async function waitForStart(meeting: MeetingState, settings: WorkflowSettings): Promise<void> {
  let remindedFor: string | undefined;
  const briefMinutes = meeting.input.settings?.briefMinutesBefore;
  const ownBriefTimer = briefMinutes !== undefined && briefMinutes > 0 && briefMinutes !== settings.reminderMinutesBefore && patched('brief-timing');
  if (ownBriefTimer) void briefBeforeStart(meeting, briefMinutes);
  for (;;) {
    meeting.startMoved = false;
    const start = Date.parse(meeting.status.scheduledStart);
    const remindAt = start - settings.reminderMinutesBefore * MINUTE;
    const interrupted = () => meeting.startMoved || meeting.cancelReason !== undefined;
    if (settings.reminderMinutesBefore > 0 && remindedFor !== meeting.status.scheduledStart && remindAt > Date.now()) {
      if (await condition(interrupted, remindAt - Date.now())) {
        if (meeting.cancelReason !== undefined) return;
        continue;
      }
      remindedFor = meeting.status.scheduledStart;
      meeting.status.reminderSentAt = nowIso();
      await delivery.sendMeetingReminder({ roomId: meeting.input.roomId, scheduledStart: meeting.status.scheduledStart, minutesBefore: settings.reminderMinutesBefore, ...(ownBriefTimer ? { brief: 'without' as const } : {}) });
    }
    if (await condition(interrupted, Math.max(0, start - Date.now()))) {
      if (meeting.cancelReason !== undefined) return;
      continue;
    }
    return;
  }
}

/**
 * The brief on a timer of its own (settings.briefMinutesBefore), beside the wait for the start: once per start time,
 * moved by a reschedule, ended by the start or a cancel. A brief that cannot be sent is not worth failing the meeting.
 */
async function briefBeforeStart(meeting: MeetingState, minutesBefore: number): Promise<void> {
  for (;;) {
    const scheduledStart = meeting.status.scheduledStart;
    const changed = () => meeting.status.scheduledStart !== scheduledStart || meeting.cancelReason !== undefined || meeting.phase !== 'waiting';
    const briefAt = Date.parse(scheduledStart) - minutesBefore * MINUTE;
    if (briefAt > Date.now() && !(await condition(changed, briefAt - Date.now()))) {
      await delivery.sendMeetingReminder({ roomId: meeting.input.roomId, scheduledStart, minutesBefore, brief: 'only' }).catch(() => 0);
    }
    await condition(changed);
    if (meeting.cancelReason !== undefined || meeting.phase !== 'waiting') return;
  }
}

/** Live until the host ends it, the room closes, nobody turns up, or the maximum duration passes. */
async function runLive(meeting: MeetingState, settings: WorkflowSettings): Promise<void> {
  const startedAt = nowIso();
  meeting.status.startedAt = startedAt;
  await meeting.enter('live', { startedAt });
  const { hasRoom, recordsTracks } = await delivery.startMeetingRoom({ roomId: meeting.input.roomId });
  meeting.hasRoom = hasRoom;
  // With Meetflow's own recorder, a meeting is recorded unless its settings say not to: it costs nothing, and
  // without it nobody's words reach a summary. (Egress recordings stay opt-in.)
  if (hasRoom && recordsTracks && (meeting.input.settings?.autoRecord ?? true) && patched('per-track-recorder')) {
    await startTrackRecorder(meeting, settings);
  } else if (hasRoom && settings.autoRecord && patched('auto-record')) {
    const recordingId = await video.startRoomRecording({ roomId: meeting.input.roomId });
    if (recordingId && !meeting.status.recordings.some((r) => r.recordingId === recordingId)) {
      meeting.status.recordings.push({ recordingId, status: 'recording' });
      await meeting.mirrorWrites.recordRecording({ roomId: meeting.input.roomId, recordingId, startedAt: nowIso() });
    }
  }

  const over = () => meeting.endRequested || meeting.roomFinished || meeting.cancelReason !== undefined;
  // Webhooks may be dropped: with a video room, the provider is asked who is there before a no-show is declared,
  // and while live, whether the room still exists. Meetings started before this rule trust the webhooks alone.
  const reconcile = hasRoom && patched('reconcile-room-state');
  let someoneCame = await condition(() => meeting.anyoneJoined || over(), settings.noShowGraceMinutes * MINUTE);
  if (!someoneCame && reconcile) {
    await reconcileRoom(meeting);
    someoneCame = meeting.anyoneJoined || over();
  }
  if (!someoneCame) {
    meeting.status.endReason = `nobody joined within ${settings.noShowGraceMinutes} minutes`;
  } else if (!(await waitUntilOver(meeting, settings, Date.parse(startedAt) + settings.maxDurationMinutes * MINUTE, over, reconcile))) {
    meeting.status.endReason = `maximum duration of ${settings.maxDurationMinutes} minutes reached`;
  }
  meeting.status.endReason ??= meeting.cancelReason !== undefined ? undefined : meeting.endRequested ? 'ended by the host' : 'the room closed';
  await closeParticipants(meeting);
  meeting.status.endedAt = nowIso();
  await video.closeMeetingRoom({ roomId: meeting.input.roomId });
}

/** True when the meeting ended before the deadline; with `reconcile`, the provider is asked every `reconcileSeconds`. */
async function waitUntilOver(meeting: MeetingState, settings: WorkflowSettings, deadline: number, over: () => boolean, reconcile: boolean): Promise<boolean> {
  if (!reconcile) return condition(over, Math.max(0, deadline - Date.now()));
  while (Date.now() < deadline) {
    if (await condition(over, Math.min(settings.reconcileSeconds * 1000, deadline - Date.now()))) return true;
    await reconcileRoom(meeting);
    if (over()) return true;
  }
  return over();
}

/**
 * The provider's view of the room fills in what dropped webhooks left out: someone in the room who never "joined"
 * joins (at the time the provider says), and a room that no longer exists has finished. (Leaves are not inferred:
 * a join whose webhook overtook the provider's answer would read as a leave; closing the meeting ends every stay.)
 */
async function reconcileRoom(meeting: MeetingState): Promise<void> {
  const { roomId } = meeting.input;
  const state = await video.reconcileRoom({ roomId });
  if (!state) return;
  const changed: string[] = [];
  for (const seen of state.participants) {
    const participant = participantFor(meeting, { eventId: `reconcile-join-${seen.identity}-${seen.joinedAt}`, identity: seen.identity, name: seen.name, at: seen.joinedAt });
    if (participant.present) continue;
    participant.present = true;
    participant.leftAt = undefined;
    meeting.joins.set(seen.identity, Date.parse(seen.joinedAt));
    changed.push(seen.identity);
  }
  for (const identity of changed) await saveParticipant(meeting, roomId, identity);
  if (!state.exists) meeting.roomFinished = true;
}

/**
 * Registers the recording, then runs Meetflow's recorder beside the live meeting (not awaited here). The
 * activity returns when the room closes; that is the recording's finish, as recordingFinished is for Egress.
 */
async function startTrackRecorder(meeting: MeetingState, settings: WorkflowSettings): Promise<void> {
  const { roomId } = meeting.input;
  const recordingId = trackRecordingId(roomId, 1);
  const recording: RecordingStatus = { recordingId, status: 'recording' };
  meeting.status.recordings.push(recording);
  await meeting.mirrorWrites.recordRecording({ roomId, recordingId, startedAt: nowIso() });
  const finish = async (event: Omit<RecordingFinishedEvent, 'eventId' | 'at' | 'recordingId'>) => {
    // Given up on already (not finished within the grace time after the meeting's end).
    if (recording.status !== 'recording') return;
    const finished = { eventId: `recorder-${recordingId}`, at: nowIso(), recordingId, ...event };
    // Stored before the status changes, so the pipeline (which waits on the status) reads the finished row.
    await meeting.mirrorWrites.recordRecording({ roomId, recordingId, finished });
    if (recording.status !== 'recording') return;
    recording.status = event.error ? 'failed' : 'finished';
    recording.error = event.error;
  };
  meeting.recorder = recorder(settings.maxDurationMinutes)
    .recordRoom({ roomId, recordingId })
    .then(
      (result) => finish({ filePath: result.dir, fileSize: result.fileSize, durationSeconds: result.durationSeconds, error: result.parts ? undefined : 'the recorder heard nobody: no audio track was recorded' }),
      (error: unknown) => finish({ error: `the recorder failed: ${rootCause(error)}` }),
    );
}

/** Everyone still present when the meeting ends leaves at its end (their time is counted). */
async function closeParticipants(meeting: MeetingState): Promise<void> {
  const at = nowIso();
  for (const participant of meeting.status.participants.filter((p) => p.present)) {
    participant.present = false;
    participant.leftAt = at;
    participant.seconds += Math.max(0, (Date.parse(at) - (meeting.joins.get(participant.identity) ?? Date.parse(at))) / 1000);
    await saveParticipant(meeting, meeting.input.roomId, participant.identity);
  }
}

async function cancel(meeting: MeetingState): Promise<void> {
  meeting.status.endReason = meeting.cancelReason;
  await delivery.sendInvites({ roomId: meeting.input.roomId, kind: 'cancel', sequence: meeting.status.sequence + 1, reason: meeting.cancelReason });
  meeting.status.endedAt ??= meeting.status.startedAt ? nowIso() : undefined;
  await meeting.enter('cancelled', { endedAt: meeting.status.endedAt });
}

/** Waits for recordings still being written, then runs one pipeline per finished recording. */
async function processRecordings(meeting: MeetingState, settings: WorkflowSettings): Promise<void> {
  const { roomId } = meeting.input;
  await meeting.enter('processing', { endedAt: meeting.status.endedAt });
  // Signal handlers still writing (a recording's file path, the last leaves) finish before anything reads them.
  // After 'processing': the end-meeting update's handler waits for the phase to leave 'live'.
  if (patched('handler-writes-before-pipelines')) await condition(allHandlersFinished);
  const stillRecording = () => meeting.status.recordings.some((r) => r.status === 'recording');
  if (stillRecording()) {
    await waitForRecordings(meeting, settings, stillRecording);
    for (const recording of meeting.status.recordings.filter((r) => r.status === 'recording')) {
      recording.status = 'failed';
      recording.error = `not finished within ${settings.recordingGraceMinutes} minutes of the meeting's end`;
    }
  }
  const finished = meeting.status.recordings.filter((r) => r.status === 'finished');
  if (finished.length === 0) {
    meeting.status.outcome = meeting.status.recordings.length ? 'no usable recording: nothing to summarize' : 'no recording: nothing to summarize';
    await meeting.enter('completed');
    return;
  }
  let discarded = 0;
  for (const recording of finished) {
    recording.status = 'processing';
    try {
      const result = await executeChild(recordingPipelineWorkflow, {
        workflowId: recordingWorkflowId(roomId, recording.recordingId),
        args: [{ roomId, recordingId: recording.recordingId, ...approvalOf(meeting.input) }],
      });
      Object.assign(recording, { status: 'completed', transcriptId: result.transcriptId, summaryId: result.summaryId });
      meeting.status.summaryId = result.summaryId;
      if (result.approval === 'discarded') discarded += 1;
    } catch (error) {
      recording.status = 'failed';
      recording.error = rootCause(error);
      meeting.status.lastError = `recording ${recording.recordingId}: ${recording.error}`;
      log.warn('recording failed', { recordingId: recording.recordingId, error: recording.error });
    }
  }
  const succeeded = meeting.status.recordings.filter((r) => r.status === 'completed').length;
  const sent = discarded ? 'the host discarded the recap: no participant was sent it' : 'delivered the results';
  meeting.status.outcome = succeeded ? `summarized ${succeeded} recording${succeeded > 1 ? 's' : ''} and ${sent}` : 'every recording failed: see lastError';
  await meeting.enter(succeeded ? 'completed' : 'failed');
}

/**
 * Waits for the recordings still being written. Webhooks can be dropped, so with a video provider the
 * workflow also asks it (every `reconcileSeconds`) and takes a finished recording from its answer.
 */
async function waitForRecordings(meeting: MeetingState, settings: WorkflowSettings, stillRecording: () => boolean): Promise<void> {
  const deadline = Date.now() + settings.recordingGraceMinutes * MINUTE;
  // Meetflow's own recorder reports its end itself (its activity returns): there is no Egress to ask.
  const reconcile = meeting.hasRoom && !meeting.recorder && patched('reconcile-recordings');
  while (stillRecording() && Date.now() < deadline) {
    const wait = reconcile ? Math.min(settings.reconcileSeconds * 1000, deadline - Date.now()) : deadline - Date.now();
    if (await condition(() => !stillRecording(), wait)) return;
    if (!reconcile) return;
    for (const egress of await video.reconcileRecordings({ roomId: meeting.input.roomId })) {
      const recording = meeting.status.recordings.find((r) => r.recordingId === egress.egressId && r.status === 'recording');
      if (!recording || !['complete', 'failed', 'aborted', 'limit_reached'].includes(egress.status)) continue;
      const finished = { eventId: `reconcile-${egress.egressId}`, at: egress.endedAt ?? nowIso(), recordingId: egress.egressId, filePath: egress.filePath, fileUrl: egress.fileUrl, fileSize: egress.fileSize, durationSeconds: egress.durationSeconds, error: egress.status === 'complete' || egress.status === 'limit_reached' ? undefined : (egress.error ?? `the recording ended ${egress.status}`) };
      recording.status = finished.error ? 'failed' : 'finished';
      recording.error = finished.error;
      await meeting.mirrorWrites.recordRecording({ roomId: meeting.input.roomId, recordingId: egress.egressId, finished });
    }
  }
}

/** The recording pipeline's approval step, when the meeting's settings ask the host to approve its recap. */
function approvalOf(input: MeetingInput): { approval?: { autoReleaseMinutes: number } } {
  if (input.settings?.approval !== 'on') return {};
  return { approval: { autoReleaseMinutes: input.settings.approvalAutoReleaseMinutes ?? 0 } };
}

/** The innermost message of a failure chain (child → activity → application error). */
function rootCause(error: unknown): string {
  let current = error as { message?: string; cause?: unknown } | undefined;
  while (current?.cause) current = current.cause as typeof current;
  return current instanceof ApplicationFailure || current?.message ? String(current.message) : String(error);
}

