import type { EntityManager } from '@mikro-orm/postgresql';
import type { MeetingPhase } from '../workflows/phases';
import { Room, User, type RoomEntity, type UserEntity } from './entities';

/**
 * SQL condition (on alias r) for rooms this user may see: hosted, joined or invited.
 * The candidate ids come from three index lookups (rooms.host_id, participants.user_id, room_invitations.invitee_id),
 * so the cost follows the user's own meetings, not the size of the rooms table: written as an OR of EXISTS per room,
 * GET /meetings scanned every room (18 req/s, p50 1 s, with 100,000 rooms in bench/api).
 */
const VISIBLE_ROOM_SQL = `r.id in (select v.id from rooms v where v.host_id = ?
  union all select p.room_id from participants p where p.user_id = ?
  union all select i.room_id from room_invitations i where i.invitee_id = ?)`;

/** A row of `select r.*, to_jsonb(h) as host__` as a managed room whose host is loaded (as populate would). */
const roomWithHost = (em: EntityManager) => ({ host__: host, ...room }: Record<string, unknown>) => {
  em.map(User, host as Record<string, unknown>);
  return em.map(Room, room);
};

/** The condition on alias r for rooms this user may see, with its parameters (every room for an admin). */
export function visibleRoomCondition(user: UserEntity, scope: 'visible' | 'own' = 'visible'): { sql: string; params: unknown[] } {
  return user.role === 'admin' && scope === 'visible' ? { sql: 'true', params: [] } : { sql: VISIBLE_ROOM_SQL, params: [user.id, user.id, user.id] };
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
export async function visibleMeetings(em: EntityManager, user: UserEntity, filter: MeetingFilter): Promise<RoomEntity[]> {
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
  // One round trip: the page's rooms with their hosts.
  const rows = await em.execute<Record<string, unknown>[]>(
    `select r.*, to_jsonb(h) as host__ from rooms r join users h on h.id = r.host_id where ${conditions.join(' and ')} order by ${order} limit ?`,
    [...params, filter.limit],
  );
  return rows.map(roomWithHost(em));
}
