import type { RoomEntity, UserEntity } from '../../db/entities';
import { buildCalendarEvent } from '../../integrations/calendar/ical';
import type { ChatButton, ChatLayout } from '../../integrations/chat/types';
import { formatWhen } from './format';
import { type InviteKind, messageKeys } from './keys';
import { meetingRoomUrl, rsvpUrl } from './links';
import { type MessageSettings, type OutgoingMessage, zoneOf } from './types';

export interface InviteChange {
  kind: InviteKind;
  /** iCalendar SEQUENCE: 0 for the invite, +1 at every reschedule and the cancel. */
  sequence: number;
  reason?: string;
  /** The meeting records people (issue 17): the invite says so and offers to leave the reader out. */
  recorded?: boolean;
}

/** The recording notice of an invite, with where to decline (the join page's toggle). */
const recordingNotice = (join: string) => `This meeting is recorded and transcribed. To not be recorded, say so on the join page before or during the meeting: ${join}#recording-consent`;

/** The invite (or its update, or its cancellation) as an email with a calendar event that updates in place. */
export function inviteEmail(settings: MessageSettings, room: RoomEntity, invitee: UserEntity, token: string, change: InviteChange, attendees: string[]): OutgoingMessage {
  const start = room.scheduledStartTime ?? new Date();
  const end = new Date(start.getTime() + (room.plannedDuration ?? 30) * 60_000);
  const when = formatWhen(start, settings.timeZone);
  const rsvp = rsvpUrl(settings.publicUrl, token);
  const join = meetingRoomUrl(settings.publicUrl, room.id);
  const subject = { invite: `Invitation: ${room.name}`, update: `Updated: ${room.name}`, cancel: `Cancelled: ${room.name}` }[change.kind];
  const text = {
    invite: `${room.host.name} invites you to "${room.name}" on ${when}.\nAccept or decline: ${rsvp}\nJoin: ${join}`,
    update: `"${room.name}" has moved to ${when}.\nAccept or decline: ${rsvp}\nJoin: ${join}`,
    cancel: `"${room.name}" on ${when} is cancelled${change.reason ? `: ${change.reason}` : ''}.`,
  }[change.kind] + (change.recorded && change.kind !== 'cancel' ? `\n\n${recordingNotice(join)}` : '');
  const method = change.kind === 'cancel' ? 'CANCEL' : 'REQUEST';
  const calendar = buildCalendarEvent({
    uid: `${room.id}@meetflow`,
    sequence: change.sequence,
    method,
    title: room.name,
    description: room.description ?? undefined,
    start,
    end,
    organizer: { name: room.host.name, email: room.host.email },
    attendees: attendees.map((email) => ({ email })),
    url: join,
  });
  return {
    key: messageKeys.inviteEmail(change.kind, room.id, change.sequence, invitee.id),
    user: invitee,
    type: `meeting_${change.kind}`,
    title: subject,
    text,
    data: { roomId: room.id, sequence: change.sequence },
    actionUrl: rsvp,
    channel: 'email',
    email: { subject, text, calendar: { method, content: calendar } },
  };
}

/** The invite as a direct message with Accept and Decline (in the reader's own time zone). */
export function inviteDm(settings: MessageSettings, room: RoomEntity, invitee: UserEntity, token: string, change: InviteChange): OutgoingMessage {
  const when = formatWhen(room.scheduledStartTime ?? new Date(), zoneOf(invitee, settings));
  const text = {
    invite: `${room.host.name} invited you to "${room.name}" on ${when}.`,
    update: `"${room.name}" moved to ${when}.`,
    cancel: `"${room.name}" on ${when} is cancelled${change.reason ? `: ${change.reason}` : ''}.`,
  }[change.kind] + (change.recorded && change.kind !== 'cancel' ? ' This meeting is recorded.' : '');
  return {
    key: messageKeys.inviteDm(change.kind, room.id, change.sequence, invitee.id),
    user: invitee,
    type: `meeting_${change.kind}_dm`,
    title: text,
    text,
    data: { roomId: room.id, sequence: change.sequence },
    actionUrl: meetingRoomUrl(settings.publicUrl, room.id),
    channel: 'chat',
    layout: inviteLayout({ roomId: room.id, title: room.name, when, host: room.host.name, token, change, url: meetingRoomUrl(settings.publicUrl, room.id) }),
  };
}

function inviteLayout(input: { roomId: string; title: string; when: string; host: string; token: string; change: InviteChange; url: string }): ChatLayout {
  if (input.change.kind === 'cancel') {
    return { blocks: [{ kind: 'text', text: `~${input.title}~\n*Cancelled*${input.change.reason ? `: ${input.change.reason}` : ''} (was ${input.when})` }] };
  }
  const lead = input.change.kind === 'update' ? `*${input.title}* has moved to *${input.when}*` : `*${input.host}* invited you to *${input.title}*\n${input.when}`;
  const dontRecord: ChatButton[] = input.change.recorded ? [{ kind: 'action', label: "Don't record me", action: 'consentDecline', value: input.roomId }] : [];
  const recorded = input.change.recorded ? `\n:red_circle: This meeting is recorded and transcribed.` : '';
  return {
    blocks: [
      { kind: 'text', text: lead + recorded },
      {
        kind: 'buttons',
        buttons: [
          { kind: 'action', label: 'Accept', action: 'rsvpAccept', value: input.token, style: 'primary' },
          { kind: 'action', label: 'Decline', action: 'rsvpDecline', value: input.token },
          ...dontRecord,
          { kind: 'link', label: 'Details', url: input.url },
        ],
      },
    ],
  };
}
