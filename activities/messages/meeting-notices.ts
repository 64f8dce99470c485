import type { RoomEntity, UserEntity } from '../../db/entities';
import { formatWhen } from './format';
import { messageKeys } from './keys';
import { meetingRoomUrl, meetingUrl } from './links';
import type { MessageSettings, OutgoingMessage } from './types';

/** "Starting in N min": to the host and everyone who has not declined, once per start time; the host's carries the brief. */
export function meetingReminder(settings: MessageSettings, room: RoomEntity, user: UserEntity, scheduledStart: string, minutesBefore: number, brief = ''): OutgoingMessage {
  const when = formatWhen(new Date(scheduledStart), settings.timeZone);
  const withBrief = (text: string) => (brief ? `${text}\n\n${brief}` : text);
  return {
    key: messageKeys.meetingReminder(room.id, scheduledStart, user.id),
    user,
    type: 'meeting_reminder',
    title: `Starting in ${minutesBefore} min: ${room.name}`,
    text: withBrief(`Reminder: "${room.name}" starts at ${when}.`),
    data: { roomId: room.id },
    actionUrl: meetingUrl(settings.publicUrl, room.id),
    channel: 'chat-or-email',
    email: { subject: `Reminder: ${room.name}`, text: withBrief(`"${room.name}" starts at ${when}.`) },
  };
}

/** The brief alone, when it has a time of its own (settings.briefMinutesBefore); once per person and start time. */
export function meetingBriefMessage(settings: MessageSettings, room: RoomEntity, user: UserEntity, scheduledStart: string, brief: string): OutgoingMessage {
  const text = `Brief for "${room.name}" (starts at ${formatWhen(new Date(scheduledStart), settings.timeZone)}).\n\n${brief}`;
  return {
    key: messageKeys.meetingBrief(room.id, scheduledStart, user.id),
    user,
    type: 'meeting_reminder',
    title: `Brief: ${room.name}`,
    text,
    data: { roomId: room.id },
    actionUrl: meetingUrl(settings.publicUrl, room.id),
    channel: 'chat-or-email',
    email: { subject: `Brief: ${room.name}`, text },
  };
}

/** "Starting now", with the way in. */
export function meetingStarting(settings: MessageSettings, room: RoomEntity, user: UserEntity): OutgoingMessage {
  const join = meetingRoomUrl(settings.publicUrl, room.id);
  return {
    key: messageKeys.meetingStarting(room.id, user.id),
    user,
    type: 'meeting_starting',
    title: `Starting now: ${room.name}`,
    text: `"${room.name}" is starting now. Join: ${join}`,
    data: { roomId: room.id },
    actionUrl: join,
    channel: 'chat-or-email',
    layout: { blocks: [{ kind: 'text', text: `:movie_camera: *${room.name}* is starting now.` }, { kind: 'buttons', buttons: [{ kind: 'link', label: 'Join', url: join }] }] },
    email: { subject: `Starting now: ${room.name}`, text: `Join: ${join}` },
  };
}
