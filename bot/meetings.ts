import type { EntityManager } from '@mikro-orm/postgresql';
import { VISIBLE_ROOM_SQL, visibleRoomParams } from '../db/visibility';
import { Room, type RoomEntity, type UserEntity } from '../db/entities';
import { OPEN_PHASES } from '../workflows/phases';

export const shortId = (room: RoomEntity) => room.id.slice(0, 8);

export class MeetingLookupError extends Error {
  override name = 'MeetingLookupError';
}

/** Meetings this person hosts, joined or is invited to, soonest upcoming first. */
export async function myMeetings(em: EntityManager, user: UserEntity, options: { upcoming?: boolean; limit?: number } = {}): Promise<RoomEntity[]> {
  const upcoming = options.upcoming ? `and r.status in (${OPEN_PHASES.map((phase) => `'${phase}'`).join(',')}) and coalesce(r.scheduled_start_time, now()) > now() - interval '12 hours'` : '';
  const rows = await em.getConnection().execute<{ id: string }[]>(
    `select r.id from rooms r where ${VISIBLE_ROOM_SQL} ${upcoming} order by r.scheduled_start_time ${options.upcoming ? 'asc' : 'desc'} limit ?`,
    [...visibleRoomParams(user), options.limit ?? 10],
  );
  const rooms = await em.find(Room, { id: { $in: rows.map((row) => row.id) } }, { populate: ['host'] });
  return rows.map((row) => rooms.find((room) => room.id === row.id)!);
}

/** `<meeting>` as people type it: the short id shown in every message, or a unique part of the title. */
export async function findMeeting(em: EntityManager, user: UserEntity, reference: string): Promise<RoomEntity> {
  const wanted = reference.trim().toLowerCase();
  if (!wanted) throw new MeetingLookupError('say which meeting: its short id (shown in every message) or part of its title');
  const mine = await myMeetings(em, user, { limit: 200 });
  const byId = mine.filter((room) => room.id.startsWith(wanted));
  if (byId.length === 1) return byId[0];
  const byTitle = mine.filter((room) => room.name.toLowerCase().includes(wanted));
  if (byTitle.length === 1) return byTitle[0];
  if (byTitle.length > 1) {
    throw new MeetingLookupError(`"${reference}" matches ${byTitle.length} meetings: ${byTitle.slice(0, 5).map((room) => `${room.name} (\`${shortId(room)}\`)`).join(', ')}; use the short id`);
  }
  throw new MeetingLookupError(`no meeting of yours matches "${reference}" (try \`/meet list\`)`);
}
