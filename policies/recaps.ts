import type { RoomEntity, Person } from '../db/entities';

/**
 * A meeting's draft recap is the organizer's to read, approve, edit or discard: only its host. (Admins manage
 * meetings, but what goes out under the host's name is the host's call.) Whoever may not see the meeting at all
 * is answered as if it did not exist (commands/meetings findVisibleMeeting).
 */
export function canDecideRecap(user: Person, room: RoomEntity): boolean {
  return room.host.id === user.id;
}
