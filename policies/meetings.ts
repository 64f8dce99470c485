import type { Person } from '../db/entities';

/**
 * Who may do what with a meeting: one answer for the API, the bot and the CLI.
 * Seeing: admins, the host, and everyone who joined or was invited. Managing (reschedule, cancel, end, read
 * everyone's reports): the host and admins.
 */
export function canSeeMeeting(user: Person, room: { host: { id: string } }, joinedOrInvited: boolean): boolean {
  return canManageMeeting(user, room) || joinedOrInvited;
}

export function canManageMeeting(user: Person, room: { host: { id: string } }): boolean {
  return user.role === 'admin' || room.host.id === user.id;
}
