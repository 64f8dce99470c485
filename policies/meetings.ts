import type { EntityManager } from '@mikro-orm/postgresql';
import type { RoomEntity, UserEntity } from '../db/entities';

/**
 * Who may do what with a meeting: one answer for the API, the bot and the CLI.
 * Seeing: admins, the host, and everyone who joined or was invited. Managing (reschedule, cancel, end, read
 * everyone's reports): the host and admins.
 */
export async function canSeeMeeting(em: EntityManager, user: UserEntity, room: RoomEntity): Promise<boolean> {
  if (seesEveryMeeting(user, room)) return true;
  const [row] = await em.execute<{ member: boolean }[]>(
    `select exists (select 1 from participants where room_id = ? and user_id = ?) or exists (select 1 from room_invitations where room_id = ? and invitee_id = ?) as member`,
    [room.id, user.id, room.id, user.id],
  );
  return row.member;
}

/** canSeeMeeting when whether the user joined or was invited is already known (read with the room). */
export function canSeeMeetingAs(user: UserEntity, room: RoomEntity, joinedOrInvited: boolean): boolean {
  return seesEveryMeeting(user, room) || joinedOrInvited;
}

const seesEveryMeeting = (user: UserEntity, room: RoomEntity) => user.role === 'admin' || room.host.id === user.id;

export function canManageMeeting(user: UserEntity, room: RoomEntity): boolean {
  return user.role === 'admin' || room.host.id === user.id;
}
