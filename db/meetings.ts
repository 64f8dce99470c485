import type { EntityManager } from '@mikro-orm/postgresql';
import { randomBytes, randomUUID } from 'node:crypto';
import { Participant, Room, RoomInvitation, type RoomEntity, type UserEntity } from './entities';

export interface NewMeeting {
  /** Given when the caller must know the id first (a recurring occurrence retried by Temporal). */
  id?: string;
  host: UserEntity;
  title: string;
  description?: string;
  scheduledStart: Date;
  plannedDurationMinutes: number;
  type?: 'scheduled' | 'instant' | 'recurring';
  tags?: string[];
  settings?: Record<string, unknown>;
  maxParticipants?: number;
}

function slugify(title: string): string {
  const base = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 48);
  return `${base || 'meeting'}-${randomBytes(3).toString('hex')}`;
}

/** Writes a meeting's room row (and the host's participant row); the caller then starts its workflow. */
export async function createMeetingRoom(em: EntityManager, meeting: NewMeeting, workflowIdFor: (roomId: string) => string): Promise<RoomEntity> {
  const existing = meeting.id ? await em.findOne(Room, meeting.id) : null;
  if (existing) return existing;
  const slug = slugify(meeting.title);
  const room = em.create(Room, {
    id: meeting.id ?? randomUUID(),
    host: meeting.host,
    name: meeting.title,
    description: meeting.description,
    slug,
    type: meeting.type ?? 'scheduled',
    livekitRoomName: `meetflow-${slug}`,
    scheduledStartTime: meeting.scheduledStart,
    plannedDuration: meeting.plannedDurationMinutes,
    tags: meeting.tags ?? [],
    settings: meeting.settings ?? {},
    maxParticipants: meeting.maxParticipants ?? 50,
  });
  room.workflowId = workflowIdFor(room.id);
  em.create(Participant, { room, user: meeting.host, role: 'host' });
  await em.flush();
  return room;
}

/** Who hears about a meeting's start: the host and every invitee who has not declined. */
export async function peopleToNotify(em: EntityManager, room: RoomEntity): Promise<UserEntity[]> {
  const invitations = await em.find(RoomInvitation, { room: room.id, status: { $nin: ['declined', 'cancelled'] } }, { populate: ['invitee'] });
  const people = new Map<string, UserEntity>([[room.host.id, room.host]]);
  for (const invitation of invitations) if (invitation.invitee) people.set(invitation.invitee.id, invitation.invitee);
  return [...people.values()];
}

/** A meeting's room with its host, or a non-retryable failure: an activity for a room that is gone cannot succeed. */
export async function loadMeetingRoom(em: EntityManager, roomId: string): Promise<RoomEntity> {
  const room = await em.findOne(Room, roomId, { populate: ['host'] });
  if (!room) throw new RoomNotFoundError(`meeting room ${roomId} does not exist`);
  return room;
}

export class RoomNotFoundError extends Error {
  override name = 'RoomNotFound';
}
