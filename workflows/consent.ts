import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { db } from './activity-options';
import { consentUpdate, type ConsentStatus, type MeetingStatus } from './messages';
import { CLOSED_PHASES, isPhaseIn, REFUSAL_TYPES } from './phases';

const EVENT_ID_MAX = 200;

/**
 * Recording consent (issue 17): each person's decision is an update with an event id, kept in the status (the
 * Temporal UI's query shows it) and mirrored into recording_consents, where the recorder reads it per track.
 * A person's repeated event id changes nothing and answers `duplicate`. Only a handler: no command for meetings without one.
 */
export function registerConsent(meeting: { readonly input: { roomId: string }; readonly status: MeetingStatus }): void {
  const seen = new Set<string>();
  setHandler(
    consentUpdate,
    async ({ userId, record, eventId }) => {
      const consent = (meeting.status.consent ??= []);
      const current = () => consent.find((c) => c.userId === userId);
      if (seen.has(`${userId}/${eventId}`)) return { consent: { ...current()! }, duplicate: true };
      seen.add(`${userId}/${eventId}`);
      const decision: ConsentStatus = { userId, record, eventId, at: new Date(Date.now()).toISOString() };
      const previous = current();
      if (previous) Object.assign(previous, decision);
      else consent.push(decision);
      await db.recordConsent({ roomId: meeting.input.roomId, ...decision });
      return { consent: { ...current()! }, duplicate: false };
    },
    {
      validator: ({ userId, record, eventId }) => {
        if (typeof userId !== 'string' || !userId) throw refuse('invalid', 'userId must name the person deciding');
        if (typeof record !== 'boolean') throw refuse('invalid', `record must be true or false, not ${JSON.stringify(record)}`);
        if (typeof eventId !== 'string' || !eventId || eventId.length > EVENT_ID_MAX) throw refuse('invalid', `eventId must be a string of 1 to ${EVENT_ID_MAX} characters`);
        // A repeat of a decision already taken is answered whatever the phase (a retry after the meeting ended).
        if (seen.has(`${userId}/${eventId}`)) return;
        if (isPhaseIn(meeting.status.phase, CLOSED_PHASES)) throw refuse('conflict', `the meeting is ${meeting.status.phase}: its recording can no longer change`);
      },
    },
  );
}

const refuse = (kind: keyof typeof REFUSAL_TYPES, message: string) => ApplicationFailure.create({ message, type: REFUSAL_TYPES[kind], nonRetryable: true });
