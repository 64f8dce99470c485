import type { EntityManager } from '@mikro-orm/postgresql';
import { Participant, RoomInvitation, type RoomEntity, type UserEntity } from '../db/entities';

/**
 * Who may do what with a meeting: one answer for the API, the bot and the CLI.
 * Seeing: admins, the host, and everyone who joined or was invited. Managing (reschedule, cancel, end, read
 * everyone's reports): the host and admins.
 */
export async function canSeeMeeting(em: EntityManager, user: UserEntity, room: RoomEntity): Promise<boolean> {
  if (user.role === 'admin' || room.host.id === user.id) return true;
  const member = (await em.count(Participant, { room: room.id, user: user.id })) + (await em.count(RoomInvitation, { room: room.id, invitee: user.id }));
  return member > 0;
}

export function canManageMeeting(user: UserEntity, room: RoomEntity): boolean {
  return user.role === 'admin' || room.host.id === user.id;
}
