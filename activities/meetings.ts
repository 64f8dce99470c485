import type { EntityManager } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import { Participant, Recording, Room, RoomInvitation } from '../db/entities';
import { findOrCreateUserByEmail, isStorableEmail, userForIdentity } from '../db/users';
import type { Invitee, InvitationStatus, MeetingMirror, MeetingPhase, RecordingFinishedEvent } from '../workflows/messages';
import type { ActivityContext } from './context';

export interface PhaseChange {
  roomId: string;
  phase: MeetingPhase;
  startedAt?: string;
  endedAt?: string;
  scheduledStart?: string;
  /** Absent in histories written before the mirror existed: the stored state then stays as it was. */
  mirror?: MeetingMirror;
}

/** A participant as the meeting workflow knows them: absolute values, so writing one twice changes nothing. */
export interface ParticipantRow {
  identity: string;
  name?: string;
  present: boolean;
  joinedAt: string;
  leftAt?: string;
  seconds: number;
}

async function writeParticipants(db: EntityManager, roomId: string, rows: ParticipantRow[], count: number): Promise<string[]> {
  const userIds: string[] = [];
  for (const row of rows) {
    const user = await userForIdentity(db, row.identity, row.name);
    await db.createQueryBuilder(Participant).insert({ room: roomId, user: user.id, role: 'participant', status: 'invited' }).onConflict(['room_id', 'user_id']).ignore().execute();
    const participant = await db.findOneOrFail(Participant, { room: roomId, user: user.id });
    participant.status = row.present ? 'joined' : 'left';
    participant.joinedAt ??= new Date(row.joinedAt);
    participant.leftAt = row.leftAt ? new Date(row.leftAt) : null;
    participant.duration = Math.round(row.seconds);
    userIds.push(user.id);
  }
  const room = await db.findOneOrFail(Room, roomId);
  room.currentParticipants = count;
  await db.flush();
  return userIds;
}

export interface InvitationRecord extends InvitationStatus {
  token: string;
}

/** The meeting's state mirrored into the database: rooms, invitations, participants, recordings. Each write idempotent. */
export function createMeetingActivities(ctx: ActivityContext) {
  const em = () => ctx.orm.em.fork();

  return {
    /** Mirrors the workflow's phase (and times) into rooms; setting the same values again changes nothing. */
    async setMeetingPhase(change: PhaseChange): Promise<void> {
      const db = em();
      const room = await db.findOneOrFail(Room, change.roomId);
      room.status = change.phase;
      if (change.mirror) room.workflowState = change.mirror;
      if (change.scheduledStart) room.scheduledStartTime = new Date(change.scheduledStart);
      if (change.startedAt) room.startedAt = new Date(change.startedAt);
      if (change.endedAt) {
        room.endedAt = new Date(change.endedAt);
        if (room.startedAt) room.duration = Math.max(0, Math.round((room.endedAt.getTime() - room.startedAt.getTime()) / 1000));
      }
      await db.flush();
    },

    /** One invitation per invitee (room + email is its natural key); a retry returns the same tokens. */
    async createInvitations(input: { roomId: string; invitees: Invitee[]; expiresAt: string }): Promise<InvitationRecord[]> {
      const db = em();
      const room = await db.findOneOrFail(Room, input.roomId, { populate: ['host'] });
      const records: InvitationRecord[] = [];
      for (const invitee of input.invitees) {
        // One address no database or mail server takes must not fail everyone's invitations (a retry cannot fix it).
        if (!isStorableEmail(invitee.email)) {
          ctx.log.warn({ roomId: room.id, email: invitee.email.slice(0, 100) }, 'invitee left out: not an email address Meetflow can store or write to');
          continue;
        }
        const user = await findOrCreateUserByEmail(db, invitee.email, invitee.name);
        await db
          .createQueryBuilder(RoomInvitation)
          .insert({ room: room.id, inviter: room.host.id, invitee: user.id, inviteeEmail: user.email, token: randomBytes(24).toString('base64url'), expiresAt: new Date(input.expiresAt) })
          .onConflict(['room_id', 'invitee_email'])
          .ignore()
          .execute();
        await db.createQueryBuilder(Participant).insert({ room: room.id, user: user.id, role: 'participant', status: 'invited' }).onConflict(['room_id', 'user_id']).ignore().execute();
        const invitation = await db.findOneOrFail(RoomInvitation, { room: room.id, inviteeEmail: user.email });
        records.push({ email: user.email, userId: user.id, token: invitation.token, status: invitation.status === 'accepted' || invitation.status === 'declined' ? invitation.status : 'pending' });
      }
      return records;
    },

    async recordRsvp(input: { roomId: string; token: string; response: 'accept' | 'decline' }): Promise<InvitationStatus> {
      const db = em();
      const invitation = await db.findOne(RoomInvitation, { room: input.roomId, token: input.token }, { populate: ['invitee'] });
      if (!invitation) throw ApplicationFailure.nonRetryable('unknown invitation token for this meeting', 'UnknownInvitation');
      invitation.status = input.response === 'accept' ? 'accepted' : 'declined';
      await db.flush();
      return { email: invitation.inviteeEmail, userId: invitation.invitee?.id, status: invitation.status };
    },

    /** Keeps the participants row in step with the room: absolute values, so a retry writes the same thing. */
    async recordParticipant(input: ParticipantRow & { roomId: string; count: number }): Promise<string> {
      const { roomId, count, ...row } = input;
      const [userId] = await writeParticipants(em(), roomId, [row], count);
      return userId;
    },

    /** The same for a batch (meetings write their participants one batch at a time, in order), in one transaction. */
    async recordParticipants(input: { roomId: string; participants: ParticipantRow[]; count: number }): Promise<string[]> {
      return em().transactional((db) => writeParticipants(db, input.roomId, input.participants, input.count));
    },

    /** Upserts the recording by its provider id (the natural key). */
    async recordRecording(input: { roomId: string; recordingId: string; startedAt?: string; finished?: RecordingFinishedEvent }): Promise<string> {
      const db = em();
      await db
        .createQueryBuilder(Recording)
        .insert({ room: input.roomId, livekitRecordingId: input.recordingId, status: 'recording', startedAt: input.startedAt ? new Date(input.startedAt) : new Date() })
        .onConflict('livekit_recording_id')
        .ignore()
        .execute();
      const recording = await db.findOneOrFail(Recording, { livekitRecordingId: input.recordingId });
      if (recording.room.id !== input.roomId) {
        throw ApplicationFailure.nonRetryable(`recording ${input.recordingId} belongs to another meeting (${recording.room.id})`, 'RecordingOfAnotherMeeting');
      }
      const finished = input.finished;
      if (finished) {
        recording.status = finished.error ? 'failed' : 'completed';
        recording.completedAt = new Date(finished.at);
        recording.filePath = finished.filePath ?? recording.filePath;
        recording.fileUrl = finished.fileUrl ?? recording.fileUrl;
        recording.fileSize = finished.fileSize ?? recording.fileSize;
        recording.duration = finished.durationSeconds ?? recording.duration;
      }
      await db.flush();
      return recording.id;
    },
  };
}
