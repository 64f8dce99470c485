import type { EntityManager } from '@mikro-orm/postgresql';
import type { RoomEntity, UserEntity } from '../db/entities';
import { visibleMeetings } from '../db/visibility';
import { OPEN_PHASES } from '../workflows/phases';

export const shortId = (room: RoomEntity) => room.id.slice(0, 8);

export class MeetingLookupError extends Error {
  override name = 'MeetingLookupError';
}

/** Meetings this person hosts, joined or is invited to: soonest upcoming first, or newest first. */
export function myMeetings(em: EntityManager, user: UserEntity, options: { upcoming?: boolean; limit?: number } = {}): Promise<RoomEntity[]> {
  return visibleMeetings(em, user, { scope: 'own', upcoming: options.upcoming, phases: options.upcoming ? OPEN_PHASES : undefined, limit: options.limit ?? 10 });
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
