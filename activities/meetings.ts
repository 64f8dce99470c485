import type { EntityManager } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import { Participant, Room, RoomInvitation } from '../db/entities';
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
    await db.execute(UPSERT_PARTICIPANT_SQL, [roomId, user.id, row.present ? 'joined' : 'left', new Date(row.joinedAt), row.leftAt ? new Date(row.leftAt) : null, Math.round(row.seconds)]);
    userIds.push(user.id);
  }
  const updated = await db.execute<{ id: string }[]>(`update rooms set current_participants = ?, updated_at = now() where id = ? returning id`, [count, roomId]);
  if (updated.length === 0) throw new Error(`meeting ${roomId} not found`);
  return userIds;
}

/**
 * One statement per participant (through the ORM it was an insert, a select and an update in the flush): these
 * writes run at every join and leave of every meeting. The first join time stays; the rest is absolute.
 */
const UPSERT_PARTICIPANT_SQL = `insert into participants (room_id, user_id, role, status, joined_at, left_at, duration) values (?, ?, 'participant', ?, ?, ?, ?)
  on conflict (room_id, user_id) do update set status = excluded.status, joined_at = coalesce(participants.joined_at, excluded.joined_at),
    left_at = excluded.left_at, duration = excluded.duration, updated_at = now()`;

/**
 * The phase, times and mirror in one statement (through the ORM: a select, then begin, update and commit): it runs
 * at every phase change of every meeting. The duration follows the times, as the room's start and end.
 */
const SET_PHASE_SQL = `update rooms set status = ?, workflow_state = coalesce(?::jsonb, workflow_state),
    scheduled_start_time = coalesce(?::timestamptz, scheduled_start_time), started_at = coalesce(?::timestamptz, started_at),
    ended_at = coalesce(?::timestamptz, ended_at),
    duration = case when ?::timestamptz is null or coalesce(?::timestamptz, started_at) is null then duration
      else greatest(0, round(extract(epoch from (?::timestamptz - coalesce(?::timestamptz, started_at)))))::int end,
    updated_at = now()
  where id = ? returning id`;

export interface InvitationRecord extends InvitationStatus {
  token: string;
}

/** The meeting's state mirrored into the database: rooms, invitations, participants, recordings. Each write idempotent. */
export function createMeetingActivities(ctx: ActivityContext) {
  const em = () => ctx.orm.em.fork();

  return {
    /** Mirrors the workflow's phase (and times) into rooms; setting the same values again changes nothing. */
    async setMeetingPhase(change: PhaseChange): Promise<void> {
      const at = (iso?: string) => (iso ? new Date(iso) : null);
      const [startedAt, endedAt] = [at(change.startedAt), at(change.endedAt)];
      const updated = await em().execute<{ id: string }[]>(SET_PHASE_SQL, [
        change.phase, change.mirror ? JSON.stringify(change.mirror) : null, at(change.scheduledStart), startedAt, endedAt,
        endedAt, startedAt, endedAt, startedAt, change.roomId,
      ]);
      if (updated.length === 0) throw new Error(`meeting ${change.roomId} not found`);
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
      await db.execute(
        `insert into recordings (room_id, livekit_recording_id, status, started_at) values (?, ?, 'recording', ?) on conflict (livekit_recording_id) do nothing`,
        [input.roomId, input.recordingId, input.startedAt ? new Date(input.startedAt) : new Date()],
      );
      const [recording] = await db.execute<{ id: string; room_id: string }[]>(`select id, room_id from recordings where livekit_recording_id = ?`, [input.recordingId]);
      if (recording.room_id !== input.roomId) {
        throw ApplicationFailure.nonRetryable(`recording ${input.recordingId} belongs to another meeting (${recording.room_id})`, 'RecordingOfAnotherMeeting');
      }
      const finished = input.finished;
      if (finished) {
        await db.execute(
          `update recordings set status = ?, completed_at = ?, file_path = coalesce(?, file_path), file_url = coalesce(?, file_url),
             file_size = coalesce(?, file_size), duration = coalesce(?, duration), updated_at = now() where id = ?`,
          [finished.error ? 'failed' : 'completed', new Date(finished.at), finished.filePath ?? null, finished.fileUrl ?? null, finished.fileSize ?? null, finished.durationSeconds ?? null, recording.id],
        );
      }
      return recording.id;
    },
  };
}
