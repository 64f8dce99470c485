import type { EntityManager } from '@mikro-orm/postgresql';
import type { MeetingPhase } from '../workflows/phases';
import { Room, User, type RoomEntity, type Person } from './entities';
import { readPrepared, readPreparedText, type PreparedRead } from './prepared';

/** The rooms a user hosts, joined or was invited to, one row per link (a room may come twice). */
const VISIBLE_ROOM_IDS_SQL = `select v.id from rooms v where v.host_id = ?
  union all select p.room_id from participants p where p.user_id = ?
  union all select i.room_id from room_invitations i where i.invitee_id = ?`;

/**
 * SQL condition (on alias r) for rooms this user may see: hosted, joined or invited.
 * The candidate ids come from three index lookups (rooms.host_id, participants.user_id, room_invitations.invitee_id),
 * so the cost follows the user's own meetings, not the size of the rooms table: written as an OR of EXISTS per room,
 * GET /meetings scanned every room (18 req/s, p50 1 s, with 100,000 rooms in bench/api).
 */
const VISIBLE_ROOM_SQL = `r.id in (${VISIBLE_ROOM_IDS_SQL})`;

/** A row of `select r.*, to_jsonb(h) as host__` as a managed room whose host is loaded (as populate would). */
const roomWithHost = (em: EntityManager) => ({ host__: host, ...room }: Record<string, unknown>) => {
  em.map(User, host as Record<string, unknown>);
  return em.map(Room, room);
};

/**
 * A room with its host (managed, as findOne with populate would give them), and whether this user joined or was
 * invited (false without a user): every meeting route reads this first, so it is a prepared statement.
 */
export async function findRoomWithHost(em: EntityManager, roomId: string, userId: string | null): Promise<{ room: RoomEntity; joinedOrInvited: boolean } | null> {
  const [row] = await readPrepared<Record<string, unknown>>(em, ROOM_WITH_HOST, [roomId, userId]);
  if (!row) return null;
  const { joined_or_invited: joinedOrInvited, ...room } = row;
  return { room: roomWithHost(em)(room), joinedOrInvited: joinedOrInvited === true };
}

/** Whether the user $2 joined or was invited to room r (false for a null user). */
export const JOINED_OR_INVITED_SQL = `(exists (select 1 from participants p where p.room_id = r.id and p.user_id = $2::uuid)
        or exists (select 1 from room_invitations i where i.room_id = r.id and i.invitee_id = $2::uuid)) as joined_or_invited`;

const ROOM_WITH_HOST: PreparedRead = {
  name: 'room-with-host',
  text: `select r.*, to_jsonb(h) as host__, ${JOINED_OR_INVITED_SQL} from rooms r join users h on h.id = r.host_id where r.id = $1`,
};

/** The condition on alias r for rooms this user may see, with its parameters (every room for an admin). */
export function visibleRoomCondition(user: Person, scope: 'visible' | 'own' = 'visible'): { sql: string; params: unknown[] } {
  return user.role === 'admin' && scope === 'visible' ? { sql: 'true', params: [] } : { sql: VISIBLE_ROOM_SQL, params: [user.id, user.id, user.id] };
}

/**
 * Condition on alias t (a transcript): its room is one the user hosts, joined or was invited to, probed per row.
 * `offset 0` keeps each EXISTS a per-row index probe: without it the planner may hash the whole subquery first,
 * which for a host of 100k meetings read all their rooms (62 of the 129 ms of a search for a common word; 7 ms with).
 */
const TRANSCRIPT_ROOM_VISIBLE_SQL = `(exists (select 1 from rooms v where v.id = t.room_id and v.host_id = ? offset 0)
  or exists (select 1 from participants p where p.room_id = t.room_id and p.user_id = ? offset 0)
  or exists (select 1 from room_invitations i where i.room_id = t.room_id and i.invitee_id = ? offset 0))`;

/** An `and ...` clause on alias t for the transcripts a user may read, with its parameters ('' for an admin). */
export interface TranscriptScope {
  sql: string;
  params: unknown[];
  /**
   * In the walk form, when the count of the user's rooms stopped below its cap (4× the walk's threshold): their room
   * ids (a query naming them `id`), how many there are and how many transcripts the table holds, for a search that
   * may rather hash the rooms or check them first (db/search.ts). Past the cap they are too many for either.
   */
  rooms?: { sql: string; params: unknown[]; count: number; transcripts: number };
}

/**
 * How to keep a newest-first walk over transcripts (search, ask) to the meetings the user may see, or null when
 * they see none. Two forms, chosen by how many rooms the user sees (V) against how many transcripts there are (T):
 * the visible rooms' own transcripts cost about V rows to read, while walking every transcript newest first and
 * probing each costs about SEARCH_CANDIDATES·T/V rows before the candidates are found. Past V² = 2·candidates·T
 * the walk is cheaper; the planner cannot tell (it guesses a few hundred visible rooms for everyone), and at 100k
 * transcripts its one plan took 1.7 s for a host who sees them all and the walk 1.4 s for someone who sees few
 * (bench/ask, issue 18). Counting V stops at that threshold, so it costs a few index entries at most.
 */
export async function transcriptScope(em: EntityManager, user: Person, candidates: number): Promise<TranscriptScope | null> {
  if (user.role === 'admin') return { sql: '', params: [] };
  const params = [user.id, user.id, user.id];
  const [{ visible, threshold, transcripts }] = await em.execute<{ visible: string; threshold: string; transcripts: number }[]>(
    `with walk as (select greatest(1, ceil(sqrt(2 * ? * greatest(reltuples, 0))))::bigint as threshold, greatest(reltuples, 0) as transcripts
                   from pg_class where oid = 'transcripts'::regclass)
     select (select count(*) from (${VISIBLE_ROOM_IDS_SQL} limit (select 4 * threshold from walk)) links) as visible, threshold, transcripts from walk`,
    [candidates, ...params],
  );
  if (Number(visible) === 0) return null;
  if (Number(visible) >= Number(threshold)) {
    const counted = Number(visible) < 4 * Number(threshold);
    const rooms = { sql: VISIBLE_ROOM_IDS_SQL, params, count: Number(visible), transcripts: Number(transcripts) };
    return { sql: `and ${TRANSCRIPT_ROOM_VISIBLE_SQL}`, params, ...(counted ? { rooms } : {}) };
  }
  return { sql: `and t.room_id in (${VISIBLE_ROOM_IDS_SQL})`, params };
}

export interface MeetingFilter {
  /** 'own' keeps to the user's own meetings even for an admin (a personal list, not an overview). */
  scope?: 'visible' | 'own';
  phases?: readonly MeetingPhase[];
  from?: string;
  to?: string;
  tag?: string;
  /** Only meetings still ahead (or started in the last 12 hours), soonest first. */
  upcoming?: boolean;
  /** Keyset paging, newest first: meetings strictly after this one in that order. */
  after?: { start: string; id: string };
  limit: number;
}

/**
 * The meetings a user may see (an admin: every meeting), filtered; newest start first, or soonest first when
 * `upcoming`. The one place that knows who sees which meeting in SQL, for the API's list and the bot's.
 */
export async function visibleMeetings(em: EntityManager, user: Person, filter: MeetingFilter): Promise<RoomEntity[]> {
  // One round trip: the page's rooms with their hosts.
  const rows = await visibleRoomRows(em, user, filter, 'r.*, to_jsonb(h) as host__', 'join users h on h.id = r.host_id');
  return rows.map(roomWithHost(em));
}

/** What a list of meetings shows of each (api/views meetingView), as plain values: nothing to track or flush. */
export type MeetingListItem = Pick<RoomEntity, 'id' | 'name' | 'description' | 'status' | 'type' | 'plannedDuration' | 'duration' | 'tags' | 'settings' | 'workflowId'> & {
  host: { id: string };
  scheduledStartTime: Date | null;
  startedAt: Date | null;
  endedAt: Date | null;
  createdAt: Date;
};

/** A timestamptz as JSON shows it ("2026-12-02T09:00:00.000Z"), made in SQL: the driver's own text needs parsing. */
export const isoText = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const isoColumn = (column: string) => `${isoText(`r.${column}`)} as ${column}`;
/** The columns of room r that meetingListItem reads. */
export const LIST_COLUMNS = ['r.id', 'r.name', 'r.description', 'r.status', 'r.type', 'r.host_id', 'r.planned_duration', 'r.duration', 'r.tags', 'r.settings', 'r.workflow_id', ...['scheduled_start_time', 'started_at', 'ended_at', 'created_at'].map(isoColumn)].join(', ');
const dateOrNull = (value: unknown) => (typeof value === 'string' ? new Date(value) : null);

/**
 * visibleMeetings for a read-only list (GET /meetings): the same rows as plain values. Mapped into the identity
 * map, a page of 20 rooms and their hosts cost more CPU than its query (bench/api).
 */
export async function visibleMeetingList(em: EntityManager, user: Person, filter: MeetingFilter): Promise<MeetingListItem[]> {
  return (await visibleRoomRows(em, user, filter, LIST_COLUMNS)).map(meetingListItem);
}

/** A row of LIST_COLUMNS as a MeetingListItem. */
export function meetingListItem(row: Record<string, unknown>): MeetingListItem {
  return {
    id: row.id as string,
    name: row.name as string,
    description: row.description as string | null,
    status: row.status as RoomEntity['status'],
    type: row.type as RoomEntity['type'],
    host: { id: row.host_id as string },
    plannedDuration: row.planned_duration as number | null,
    duration: row.duration as number | null,
    tags: row.tags as string[],
    settings: row.settings as Record<string, unknown>,
    workflowId: row.workflow_id as string | null,
    scheduledStartTime: dateOrNull(row.scheduled_start_time),
    startedAt: dateOrNull(row.started_at),
    endedAt: dateOrNull(row.ended_at),
    createdAt: new Date(row.created_at as string),
  };
}

async function visibleRoomRows(em: EntityManager, user: Person, filter: MeetingFilter, columns: string, join = ''): Promise<Record<string, unknown>[]> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const where = (sql: string, ...values: unknown[]) => {
    conditions.push(sql);
    params.push(...values);
  };
  const visible = visibleRoomCondition(user, filter.scope);
  where(visible.sql, ...visible.params);
  if (filter.phases?.length) where(`r.status in (${filter.phases.map(() => '?').join(',')})`, ...filter.phases);
  if (filter.from) where('r.scheduled_start_time >= ?', filter.from);
  if (filter.to) where('r.scheduled_start_time < ?', filter.to);
  if (filter.tag) where('r.tags @> array[?]::text[]', filter.tag);
  if (filter.upcoming) where(`coalesce(r.scheduled_start_time, now()) > now() - interval '12 hours'`);
  if (filter.after) where(`(coalesce(r.scheduled_start_time, 'epoch'), r.id) < (coalesce(?::timestamptz, 'epoch'), ?::uuid)`, filter.after.start || null, filter.after.id);
  const order = filter.upcoming ? 'r.scheduled_start_time asc, r.id asc' : `coalesce(r.scheduled_start_time, 'epoch') desc, r.id desc`;
  return readPreparedText(em, `select ${columns} from rooms r ${join} where ${conditions.join(' and ')} order by ${order} limit ?`, [...params, filter.limit]);
}
