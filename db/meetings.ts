import type { EntityManager } from '@mikro-orm/postgresql';
import { randomBytes, randomUUID } from 'node:crypto';
import { auditInsert, type AuditInput } from './audit';
import { Room, RoomInvitation, type Person, type RoomEntity, type UserEntity } from './entities';

export interface NewMeeting {
  /** Given when the caller must know the id first (a recurring occurrence retried by Temporal). */
  id?: string;
  host: Person;
  title: string;
  description?: string;
  scheduledStart: Date;
  plannedDurationMinutes: number;
  type?: 'scheduled' | 'instant' | 'recurring';
  tags?: string[];
  settings?: Record<string, unknown>;
  maxParticipants?: number;
}

/**
 * The title's words and 48 random bits. The slug (and the LiveKit room name made from it) is unique, so two meetings
 * of the same title that drew the same suffix would refuse the second with a 409: with 24 bits, an organisation's
 * 100,000th "1:1" had a 0.6% chance of it, with 48 bits 4 in 10 billion.
 */
function slugify(title: string): string {
  const base = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 48);
  return `${base || 'meeting'}-${randomBytes(6).toString('hex')}`;
}

/**
 * Writes a meeting's room row, the host's participant row and (when given) its audit row in one statement, one
 * round trip; the caller then starts its workflow. A room whose id exists already (a retried occurrence) is returned as it is.
 */
export async function createMeetingRoom(em: EntityManager, meeting: NewMeeting, workflowIdFor: (roomId: string) => string, audit?: Omit<AuditInput, 'target'>): Promise<RoomEntity> {
  const id = meeting.id ?? randomUUID();
  const slug = slugify(meeting.title);
  const auditRow = audit ? auditInsert({ ...audit, target: { type: 'meeting', id } }) : undefined;
  const [row] = await em.execute<Record<string, unknown>[]>(
    `with room as (
       insert into rooms (id, host_id, name, description, slug, type, livekit_room_name, scheduled_start_time, planned_duration, tags, settings, max_participants, workflow_id)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, array(select jsonb_array_elements_text(?::jsonb)), ?::jsonb, ?, ?)
       on conflict (id) do nothing returning *),
     host as (insert into participants (room_id, user_id, role) select id, host_id, 'host' from room)
     ${auditRow ? `, audit as (${auditRow.sql} where exists (select 1 from room))` : ''}
     select * from room`,
    [
      id, meeting.host.id, meeting.title, meeting.description ?? null, slug, meeting.type ?? 'scheduled', `meetflow-${slug}`, meeting.scheduledStart,
      meeting.plannedDurationMinutes, JSON.stringify(meeting.tags ?? []), JSON.stringify(meeting.settings ?? {}), meeting.maxParticipants ?? 50, workflowIdFor(id),
      ...(auditRow?.params ?? []),
    ],
  );
  return row ? em.map(Room, row) : em.findOneOrFail(Room, id);
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

/** A meeting whose workflow never started: its room (participants go with it) and the audit row written beside it. */
export async function deleteUnstartedMeeting(em: EntityManager, roomId: string): Promise<void> {
  await em.execute(`delete from audit_events where action = 'meeting.create' and target_id = ?`, [roomId]);
  await em.nativeDelete(Room, roomId);
}
