import type { Person } from '../db/entities';
import type { RecurringSeries } from '../workflows/recurring';

/**
 * Who may do what with a recurring series: seeing it is for admins, its host and the people it invites;
 * changing it (time, title, skips, cancelling) is for its host and admins.
 */
export function canSeeSeries(user: Person, series: RecurringSeries): boolean {
  if (canManageSeries(user, series)) return true;
  return series.invitees.some((invitee) => invitee.userId === user.id || invitee.email.toLowerCase() === user.email.toLowerCase());
}

export function canManageSeries(user: Person, series: RecurringSeries): boolean {
  return user.role === 'admin' || series.hostId === user.id;
}
