import type { EntityManager } from '@mikro-orm/postgresql';
import type { InvitationStatus, MeetingStatus, ParticipantStatus, RecordingStatus } from '../workflows/messages';
import type { RoomEntity } from './entities';
import { readPrepared, type PreparedRead } from './prepared';

const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Participants who joined, invitations and recordings of one room, as JSON in one round trip. */
const ROOM_ROWS: PreparedRead = {
  name: 'room-status-rows',
  text: `select
  (select coalesce(json_agg(json_strip_nulls(json_build_object('identity', p.user_id, 'name', u.name, 'joinedAt', ${iso('p.joined_at')}, 'leftAt', ${iso('p.left_at')},
            'seconds', p.duration, 'present', p.status = 'joined')) order by p.joined_at, p.created_at), '[]')
     from participants p join users u on u.id = p.user_id where p.room_id = $1 and p.joined_at is not null) as participants,
  (select coalesce(json_agg(json_strip_nulls(json_build_object('email', i.invitee_email, 'userId', i.invitee_id, 'status', i.status)) order by i.created_at, i.id), '[]')
     from room_invitations i where i.room_id = $1) as invitations,
  (select coalesce(json_agg(json_build_object('recordingId', r.livekit_recording_id, 'status', r.status) order by r.created_at, r.id), '[]')
     from recordings r where r.room_id = $1) as recordings`,
};

/** A recording row's status in the workflow's words: a finished file is `finished` until its pipeline has run. */
const FROM_ROW: Record<string, RecordingStatus['status']> = { recording: 'recording', processing: 'processing', completed: 'finished', failed: 'failed', archived: 'completed' };

/**
 * The workflow's latest word on each recording (stored with its last phase change), and the rows for what happened
 * since: a recording started or finished while live (its activities write the row; the phase has not changed yet).
 */
function mergeRecordings(stored: RecordingStatus[], rows: { recordingId: string; status: string }[]): RecordingStatus[] {
  const merged = rows.map((row) => {
    const known = stored.find((recording) => recording.recordingId === row.recordingId);
    const rowStatus = FROM_ROW[row.status] ?? 'recording';
    return known && !(known.status === 'recording' && rowStatus !== 'recording') ? known : { ...known, recordingId: row.recordingId, status: rowStatus };
  });
  return [...merged, ...stored.filter((recording) => !rows.some((row) => row.recordingId === recording.recordingId))];
}

/**
 * A meeting's status as the workflow's status query answers it, read from PostgreSQL: the phase and times from the
 * room (written by the workflow's activities at each phase change), participants, invitations and recordings from
 * their rows (written as they happen), the rest from rooms.workflow_state. One query besides the room itself.
 */
export async function storedMeetingStatus(em: EntityManager, room: RoomEntity): Promise<MeetingStatus> {
  const [rows] = await readPrepared<{ participants: ParticipantStatus[]; invitations: InvitationStatus[]; recordings: { recordingId: string; status: string }[] }>(em, ROOM_ROWS, [room.id]);
  const state = room.workflowState;
  return {
    roomId: room.id,
    title: room.name,
    phase: room.status,
    scheduledStart: room.scheduledStartTime?.toISOString() ?? '',
    startedAt: room.startedAt?.toISOString(),
    endedAt: room.endedAt?.toISOString(),
    endReason: state.endReason,
    participants: rows.participants,
    recordings: mergeRecordings(state.recordings ?? [], rows.recordings),
    invitations: rows.invitations,
    summaryId: state.summaryId,
    outcome: state.outcome,
    lastError: state.lastError,
    reminderSentAt: state.reminderSentAt,
    sequence: state.sequence ?? 0,
  };
}
