import type { EntityManager } from '@mikro-orm/postgresql';
import type { InvitationStatus, MeetingMirror, MeetingStatus, ParticipantStatus, RecordingStatus } from '../workflows/messages';
import { isoText, JOINED_OR_INVITED_SQL, LIST_COLUMNS, meetingListItem, type MeetingListItem } from './visibility';
import { readPrepared, type PreparedRead } from './prepared';

/** Participants who joined, invitations and recordings of room $1, as JSON columns of the same row. */
const ROOM_ROWS_COLUMNS = `
  (select coalesce(json_agg(json_strip_nulls(json_build_object('identity', p.user_id, 'name', u.name, 'joinedAt', ${isoText('p.joined_at')}, 'leftAt', ${isoText('p.left_at')},
            'seconds', p.duration, 'present', p.status = 'joined')) order by p.joined_at, p.created_at), '[]')
     from participants p join users u on u.id = p.user_id where p.room_id = $1 and p.joined_at is not null) as participants,
  (select coalesce(json_agg(json_strip_nulls(json_build_object('email', i.invitee_email, 'userId', i.invitee_id, 'status', i.status)) order by i.created_at, i.id), '[]')
     from room_invitations i where i.room_id = $1) as invitations,
  (select coalesce(json_agg(json_build_object('recordingId', rec.livekit_recording_id, 'status', rec.status) order by rec.created_at, rec.id), '[]')
     from recordings rec where rec.room_id = $1) as recordings`;

/**
 * Everything GET /meetings/:id shows, in one statement: the room's fields, whether user $2 joined or was invited
 * (who may see it), and the rows of its status. The API's most frequent read.
 */
const MEETING_DETAIL: PreparedRead = {
  name: 'meeting-detail',
  text: `select ${LIST_COLUMNS}, r.workflow_state, ${JOINED_OR_INVITED_SQL}, ${ROOM_ROWS_COLUMNS} from rooms r where r.id = $1`,
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

export interface MeetingDetail {
  meeting: MeetingListItem;
  /** Whether the user asked for joined or was invited: with the host and admins, who may see the meeting. */
  joinedOrInvited: boolean;
  status: MeetingStatus;
}

/**
 * A meeting and its status as the workflow's status query answers it, read from PostgreSQL: the phase and times from
 * the room (written by the workflow's activities at each phase change), participants, invitations and recordings
 * from their rows (written as they happen), the rest from rooms.workflow_state. Null when there is no such room.
 */
export async function readMeetingDetail(em: EntityManager, roomId: string, userId: string | null): Promise<MeetingDetail | null> {
  const [row] = await readPrepared<Record<string, unknown>>(em, MEETING_DETAIL, [roomId, userId]);
  if (!row) return null;
  const meeting = meetingListItem(row);
  const state = row.workflow_state as Partial<MeetingMirror>;
  const recordings = row.recordings as { recordingId: string; status: string }[];
  const status: MeetingStatus = {
    roomId: meeting.id,
    title: meeting.name,
    phase: meeting.status,
    scheduledStart: meeting.scheduledStartTime?.toISOString() ?? '',
    startedAt: meeting.startedAt?.toISOString(),
    endedAt: meeting.endedAt?.toISOString(),
    endReason: state.endReason,
    participants: row.participants as ParticipantStatus[],
    recordings: mergeRecordings(state.recordings ?? [], recordings),
    invitations: row.invitations as InvitationStatus[],
    summaryId: state.summaryId,
    outcome: state.outcome,
    lastError: state.lastError,
    reminderSentAt: state.reminderSentAt,
    sequence: state.sequence ?? 0,
  };
  return { meeting, joinedOrInvited: row.joined_or_invited === true, status };
}
