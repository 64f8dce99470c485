import type { EntityManager } from '@mikro-orm/postgresql';
import { Participant, Room, RoomInvitation, type RoomEntity, type UserEntity } from '../db/entities';
import { HttpError } from './middleware/errors';

export { VISIBLE_ROOM_SQL, visibleRoomParams } from '../db/visibility';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The meeting if this user may see it. Someone else's meeting answers 404, like a missing one: the API does
 * not confirm that a meeting exists to people who are not part of it.
 */
export async function visibleMeeting(em: EntityManager, user: UserEntity, roomId: string): Promise<RoomEntity> {
  const notFound = new HttpError(404, 'not_found', `No meeting ${roomId} among yours`);
  if (!UUID.test(roomId)) throw notFound;
  const room = await em.findOne(Room, roomId, { populate: ['host'] });
  if (!room) throw notFound;
  if (user.role === 'admin' || room.host.id === user.id) return room;
  const member = (await em.count(Participant, { room: room.id, user: user.id })) + (await em.count(RoomInvitation, { room: room.id, invitee: user.id }));
  if (member === 0) throw notFound;
  return room;
}

export function requireHost(room: RoomEntity, user: UserEntity, action: string): void {
  if (room.host.id !== user.id && user.role !== 'admin') throw new HttpError(403, 'forbidden', `Only the host can ${action}`);
}
