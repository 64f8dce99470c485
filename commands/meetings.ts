import { MeetingsClient, scheduleMeeting, type ScheduleMeetingRequest } from '../clients/meetings';
import { RoomInvitation, type RoomEntity, type RoomInvitationEntity, type UserEntity } from '../db/entities';
import type { VideoProvider } from '../integrations/video/types';
import { readMeetingDetail, type MeetingDetail } from '../db/meeting-status';
import { findRoomWithHost } from '../db/visibility';
import { canManageMeeting, canSeeMeeting } from '../policies/meetings';
import { CLOSED_PHASES, isPhaseIn } from '../workflows/phases';
import type { InvitationStatus, MeetingStatus } from '../workflows/messages';
import { type Actor, audit, auditInput, authorize, CommandError, type CommandDeps } from './types';

/** Ids are UUIDs: anything else names nothing (and never reaches a uuid column, where it would be an error). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const notFound = (roomId: string) => new CommandError('not_found', `No meeting ${roomId} among yours`);
const visibleTo = (actor: Actor, room: { host: { id: string } }, joinedOrInvited: boolean) => actor.kind !== 'person' || canSeeMeeting(actor.user, room, joinedOrInvited);
const personId = (actor: Actor) => (actor.kind === 'person' ? actor.user.id : null);

/**
 * The meeting if the actor may see it. A meeting someone may not see is `not_found`, like a missing one: Meetflow
 * does not confirm that a meeting exists to people who are not part of it.
 */
export async function findVisibleMeeting(deps: Pick<CommandDeps, 'em'>, actor: Actor, roomId: string): Promise<RoomEntity> {
  const found = UUID.test(roomId) ? await findRoomWithHost(deps.em, roomId, personId(actor)) : null;
  if (!found || !visibleTo(actor, found.room, found.joinedOrInvited)) throw notFound(roomId);
  return found.room;
}

/** The same, for reading only: the meeting as plain values with its stored status, in one statement. */
export async function findVisibleMeetingDetail(deps: Pick<CommandDeps, 'em'>, actor: Actor, roomId: string): Promise<MeetingDetail> {
  const detail = UUID.test(roomId) ? await readMeetingDetail(deps.em, roomId, personId(actor)) : null;
  if (!detail || !visibleTo(actor, detail.meeting, detail.joinedOrInvited)) throw notFound(roomId);
  return detail;
}

/**
 * Schedules a meeting for its host (the actor): one statement writes the room row (with the host's participant row
 * and the audit row), then its workflow starts. Nothing else is on the request's path.
 */
export async function createMeeting(deps: CommandDeps, actor: Actor & { kind: 'person' }, request: Omit<ScheduleMeetingRequest, 'host' | 'audit'>) {
  const audit = auditInput(actor, { action: 'meeting.create', details: { title: request.title, start: request.start.toISOString(), invitees: request.invitees.length } });
  return scheduleMeeting(deps, { ...request, host: actor.user, audit });
}

const manage = (actor: Actor, room: RoomEntity, what: string) => authorize(actor, (user) => canManageMeeting(user, room), `only the host (${room.host.name}) can ${what} "${room.name}"`);

export async function rescheduleMeeting(deps: CommandDeps, actor: Actor, room: RoomEntity, start: Date): Promise<MeetingStatus> {
  manage(actor, room, 'reschedule');
  const status = await new MeetingsClient(deps.temporal).reschedule(room.id, start);
  await audit(deps.em, actor, { action: 'meeting.reschedule', target: { type: 'meeting', id: room.id }, details: { from: room.scheduledStartTime?.toISOString() ?? null, to: start.toISOString() } });
  return status;
}

export const CANCEL_REASON_MAX = 500;

export async function cancelMeeting(deps: CommandDeps, actor: Actor, room: RoomEntity, reason: string): Promise<MeetingStatus> {
  manage(actor, room, 'cancel');
  // Checked before cancelling: the audit row must be writable, or the meeting would be cancelled without one.
  if (reason.includes('\u0000') || reason.length > CANCEL_REASON_MAX) throw new CommandError('invalid', `the reason must be at most ${CANCEL_REASON_MAX} characters, without NUL characters`);
  const status = await new MeetingsClient(deps.temporal).cancel(room.id, reason);
  await audit(deps.em, actor, { action: 'meeting.cancel', target: { type: 'meeting', id: room.id }, details: { reason } });
  return status;
}

export async function endMeeting(deps: CommandDeps, actor: Actor, room: RoomEntity): Promise<MeetingStatus> {
  manage(actor, room, 'end');
  const status = await new MeetingsClient(deps.temporal).end(room.id);
  await audit(deps.em, actor, { action: 'meeting.end', target: { type: 'meeting', id: room.id } });
  return status;
}

/** The invitation of a token, if it can still be answered (not cancelled, not expired). */
export async function findOpenInvitation(deps: Pick<CommandDeps, 'em'>, token: string): Promise<RoomInvitationEntity> {
  const found = await deps.em.findOne(RoomInvitation, { token }, { populate: ['room', 'inviter', 'invitee'] });
  if (!found) throw new CommandError('not_found', 'This invitation link is not valid: check that it was copied whole');
  if (found.status === 'cancelled' || found.room.status === 'cancelled') throw new CommandError('gone', `"${found.room.name}" was cancelled`);
  if (found.expiresAt.getTime() < Date.now() || found.status === 'expired') throw new CommandError('gone', 'This invitation has expired');
  return found;
}

/**
 * Accepts or declines an invitation. The token is the proof (an invitation link works without an account); a
 * signed-in person answering through their own client (a Slack button) must be the invitee.
 */
export async function answerInvitation(deps: CommandDeps, token: string, response: 'accept' | 'decline', person?: UserEntity): Promise<{ invitation: RoomInvitationEntity; status: InvitationStatus }> {
  const invitation = await findOpenInvitation(deps, token).catch((error: unknown) => {
    // Someone else's token pressed in Slack is not theirs to learn anything about.
    if (person && error instanceof CommandError && error.kind === 'not_found') throw new CommandError('forbidden', 'this invitation is not yours');
    throw error;
  });
  if (person && invitation.invitee?.id !== person.id) throw new CommandError('forbidden', 'this invitation is not yours');
  const status = await new MeetingsClient(deps.temporal).rsvp(invitation.room.id, { invitationToken: invitation.token, response });
  return { invitation, status };
}

/** A token to join the meeting's video room: the host joins as host (admin and recording rights), everyone else as participant. */
export async function joinToken(video: VideoProvider, actor: Actor & { kind: 'person' }, room: RoomEntity): Promise<{ token: string; url: string; room: string; role: 'host' | 'participant' }> {
  if (!video.hasRooms || !video.joinToken) throw new CommandError('conflict', 'This Meetflow has no video provider: set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET');
  if (isPhaseIn(room.status, CLOSED_PHASES)) throw new CommandError('conflict', `The meeting is ${room.status}: its room is closed`);
  const role = room.host.id === actor.user.id ? 'host' : 'participant';
  const { token, url } = await video.joinToken({ roomName: room.livekitRoomName, identity: actor.user.id, name: actor.user.name, role, ttlSeconds: 6 * 3600 });
  return { token, url, room: room.livekitRoomName, role };
}
