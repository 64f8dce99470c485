import type { EntityManager } from '@mikro-orm/postgresql';
import { heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import { Notification, Participant, Recording, Room, RoomInvitation, type RoomEntity, type UserEntity } from '../db/entities';
import { findOrCreateUserByEmail, userForIdentity } from '../db/users';
import { buildCalendarEvent } from '../integrations/calendar/ical';
import { inviteBlocks, linkButton, section } from '../integrations/chat/slack-blocks';
import type { VideoRecordingState } from '../integrations/video/types';
import type { Invitee, InvitationStatus, MeetingPhase, RecordingFinishedEvent } from '../workflows/messages';
import { meetingRoomUrl } from '../config/urls';
import type { ActivityContext } from './context';
import { deliverOnce, recipientOf } from './delivery';
import { formatWhen } from './format';

export interface PhaseChange {
  roomId: string;
  phase: MeetingPhase;
  startedAt?: string;
  endedAt?: string;
  scheduledStart?: string;
}

/** A participant as the meeting workflow knows them: absolute values, so writing one twice changes nothing. */
export interface ParticipantRow {
  identity: string;
  name?: string;
  present: boolean;
  joinedAt: string;
  leftAt?: string;
  seconds: number;
}

async function writeParticipants(db: EntityManager, roomId: string, rows: ParticipantRow[], count: number): Promise<string[]> {
  const userIds: string[] = [];
  for (const row of rows) {
    const user = await userForIdentity(db, row.identity, row.name);
    await db.createQueryBuilder(Participant).insert({ room: roomId, user: user.id, role: 'participant', status: 'invited' }).onConflict(['room_id', 'user_id']).ignore().execute();
    const participant = await db.findOneOrFail(Participant, { room: roomId, user: user.id });
    participant.status = row.present ? 'joined' : 'left';
    participant.joinedAt ??= new Date(row.joinedAt);
    participant.leftAt = row.leftAt ? new Date(row.leftAt) : null;
    participant.duration = Math.round(row.seconds);
    userIds.push(user.id);
  }
  const room = await db.findOneOrFail(Room, roomId);
  room.currentParticipants = count;
  await db.flush();
  return userIds;
}

export interface InvitationRecord extends InvitationStatus {
  token: string;
}

type InviteKind = 'invite' | 'update' | 'cancel';

export function createMeetingActivities(ctx: ActivityContext) {
  const em = () => ctx.orm.em.fork();

  async function loadRoom(roomId: string) {
    const room = await em().findOne(Room, roomId, { populate: ['host'] });
    if (!room) throw ApplicationFailure.nonRetryable(`meeting room ${roomId} does not exist`, 'RoomNotFound');
    return room;
  }

  return {
    /** Mirrors the workflow's phase (and times) into rooms; setting the same values again changes nothing. */
    async setMeetingPhase(change: PhaseChange): Promise<void> {
      const db = em();
      const room = await db.findOneOrFail(Room, change.roomId);
      room.status = change.phase;
      if (change.scheduledStart) room.scheduledStartTime = new Date(change.scheduledStart);
      if (change.startedAt) room.startedAt = new Date(change.startedAt);
      if (change.endedAt) {
        room.endedAt = new Date(change.endedAt);
        if (room.startedAt) room.duration = Math.max(0, Math.round((room.endedAt.getTime() - room.startedAt.getTime()) / 1000));
      }
      await db.flush();
    },

    /** One invitation per invitee (room + email is its natural key); a retry returns the same tokens. */
    async createInvitations(input: { roomId: string; invitees: Invitee[]; expiresAt: string }): Promise<InvitationRecord[]> {
      const db = em();
      const room = await db.findOneOrFail(Room, input.roomId, { populate: ['host'] });
      const records: InvitationRecord[] = [];
      for (const invitee of input.invitees) {
        const user = await findOrCreateUserByEmail(db, invitee.email, invitee.name);
        await db
          .createQueryBuilder(RoomInvitation)
          .insert({ room: room.id, inviter: room.host.id, invitee: user.id, inviteeEmail: user.email, token: randomBytes(24).toString('base64url'), expiresAt: new Date(input.expiresAt) })
          .onConflict(['room_id', 'invitee_email'])
          .ignore()
          .execute();
        await db.createQueryBuilder(Participant).insert({ room: room.id, user: user.id, role: 'participant', status: 'invited' }).onConflict(['room_id', 'user_id']).ignore().execute();
        const invitation = await db.findOneOrFail(RoomInvitation, { room: room.id, inviteeEmail: user.email });
        records.push({ email: user.email, userId: user.id, token: invitation.token, status: invitation.status === 'accepted' || invitation.status === 'declined' ? invitation.status : 'pending' });
      }
      return records;
    },

    /** Emails every invitee the calendar invite (REQUEST, or CANCEL) and sends a DM; one delivery per kind and sequence. */
    async sendInvites(input: { roomId: string; kind: InviteKind; sequence: number; reason?: string }): Promise<number> {
      const room = await loadRoom(input.roomId);
      const db = em();
      const invitations = await db.find(RoomInvitation, { room: room.id }, { populate: ['invitee'] });
      let sent = 0;
      for (const invitation of invitations) {
        if (!invitation.invitee || (input.kind === 'update' && invitation.status === 'declined')) continue;
        await deliverOnce(db, inviteMessage(ctx, room, invitation.invitee, invitation.token, input, invitations.map((i) => i.inviteeEmail)), ctx);
        if (ctx.providers.chat.canReach(recipientOf(invitation.invitee))) {
          // A reschedule or a cancel rewrites the invite DM in place (where the platform can), so the buttons
          // people see always belong to the meeting as it is now.
          const original = input.kind === 'invite' ? null : await db.findOne(Notification, { idempotencyKey: `invite-dm:${room.id}:0:${invitation.invitee.id}`, deliveryStatus: 'sent' });
          const dm = inviteDm(ctx, room, invitation.invitee, invitation.token, input);
          await deliverOnce(db, { ...dm, replaces: original?.providerMessageId ?? undefined }, ctx);
        }
        sent += 1;
        heartbeat(sent);
      }
      if (input.kind === 'cancel') {
        await db.nativeUpdate(RoomInvitation, { room: room.id, status: 'pending' }, { status: 'cancelled' });
      }
      return sent;
    },

    async recordRsvp(input: { roomId: string; token: string; response: 'accept' | 'decline' }): Promise<InvitationStatus> {
      const db = em();
      const invitation = await db.findOne(RoomInvitation, { room: input.roomId, token: input.token }, { populate: ['invitee'] });
      if (!invitation) throw ApplicationFailure.nonRetryable('unknown invitation token for this meeting', 'UnknownInvitation');
      invitation.status = input.response === 'accept' ? 'accepted' : 'declined';
      await db.flush();
      return { email: invitation.inviteeEmail, userId: invitation.invitee?.id, status: invitation.status };
    },

    /** The reminder before the start, to the host and everyone who has not declined; once per start time. */
    async sendMeetingReminder(input: { roomId: string; scheduledStart: string; minutesBefore: number }): Promise<number> {
      const room = await loadRoom(input.roomId);
      const people = await peopleToNotify(ctx, room);
      const start = new Date(input.scheduledStart);
      for (const user of people) {
        await deliverOnce(
          em(),
          {
            key: `reminder:${room.id}:${input.scheduledStart}:${user.id}`,
            user,
            type: 'meeting_reminder',
            title: `Starting in ${input.minutesBefore} min: ${room.name}`,
            text: `Reminder: "${room.name}" starts at ${formatWhen(start, ctx.timeZone)}.`,
            data: { roomId: room.id },
            actionUrl: meetingUrl(ctx, room.id),
            channel: 'chat-or-email',
            email: { subject: `Reminder: ${room.name}`, text: `"${room.name}" starts at ${formatWhen(start, ctx.timeZone)}.` },
          },
          ctx,
        );
        heartbeat();
      }
      return people.length;
    },

    /** Opens the video room (when there is a video provider) and tells everyone the meeting is starting. */
    async startMeetingRoom(input: { roomId: string }): Promise<{ hasRoom: boolean }> {
      const room = await loadRoom(input.roomId);
      await ctx.providers.video.openRoom({ roomName: room.livekitRoomName, maxParticipants: room.maxParticipants, emptyTimeoutSeconds: 300 });
      for (const user of await peopleToNotify(ctx, room)) {
        await deliverOnce(
          em(),
          {
            key: `starting:${room.id}:${user.id}`,
            user,
            type: 'meeting_starting',
            title: `Starting now: ${room.name}`,
            text: `"${room.name}" is starting now. Join: ${meetingRoomUrl(ctx.publicUrl, room.id)}`,
            data: { roomId: room.id },
            actionUrl: meetingRoomUrl(ctx.publicUrl, room.id),
            channel: 'chat-or-email',
            blocks: [section(`:movie_camera: *${room.name}* is starting now.`), { type: 'actions', elements: [linkButton('Join', meetingRoomUrl(ctx.publicUrl, room.id))] }],
            email: { subject: `Starting now: ${room.name}`, text: `Join: ${meetingRoomUrl(ctx.publicUrl, room.id)}` },
          },
          ctx,
        );
        heartbeat();
      }
      return { hasRoom: ctx.providers.video.hasRooms };
    },

    /** Starts the room's audio-only recording; returns the provider's recording id, or null without a video provider. */
    async startRoomRecording(input: { roomId: string }): Promise<string | null> {
      const room = await loadRoom(input.roomId);
      const video = ctx.providers.video;
      if (!video.hasRooms || !video.startRecording) return null;
      return video.startRecording(room.livekitRoomName, `${room.livekitRoomName}-${Date.now()}.ogg`);
    },

    /** What the video provider says about the room's recordings now (webhooks may have been dropped). */
    async reconcileRecordings(input: { roomId: string }): Promise<VideoRecordingState[]> {
      const room = await loadRoom(input.roomId);
      const video = ctx.providers.video;
      if (!video.hasRooms || !video.roomState) return [];
      return (await video.roomState(room.livekitRoomName)).egresses;
    },

    async closeMeetingRoom(input: { roomId: string }): Promise<void> {
      const room = await loadRoom(input.roomId);
      await ctx.providers.video.closeRoom(room.livekitRoomName);
    },

    /** Keeps the participants row in step with the room: absolute values, so a retry writes the same thing. */
    async recordParticipant(input: ParticipantRow & { roomId: string; count: number }): Promise<string> {
      const { roomId, count, ...row } = input;
      const [userId] = await writeParticipants(em(), roomId, [row], count);
      return userId;
    },

    /** The same for a batch (meetings write their participants one batch at a time, in order), in one transaction. */
    async recordParticipants(input: { roomId: string; participants: ParticipantRow[]; count: number }): Promise<string[]> {
      return em().transactional((db) => writeParticipants(db, input.roomId, input.participants, input.count));
    },

    /** Upserts the recording by its provider id (the natural key). */
    async recordRecording(input: { roomId: string; recordingId: string; startedAt?: string; finished?: RecordingFinishedEvent }): Promise<string> {
      const db = em();
      await db
        .createQueryBuilder(Recording)
        .insert({ room: input.roomId, livekitRecordingId: input.recordingId, status: 'recording', startedAt: input.startedAt ? new Date(input.startedAt) : new Date() })
        .onConflict('livekit_recording_id')
        .ignore()
        .execute();
      const recording = await db.findOneOrFail(Recording, { livekitRecordingId: input.recordingId });
      if (recording.room.id !== input.roomId) {
        throw ApplicationFailure.nonRetryable(`recording ${input.recordingId} belongs to another meeting (${recording.room.id})`, 'RecordingOfAnotherMeeting');
      }
      const finished = input.finished;
      if (finished) {
        recording.status = finished.error ? 'failed' : 'completed';
        recording.completedAt = new Date(finished.at);
        recording.filePath = finished.filePath ?? recording.filePath;
        recording.fileUrl = finished.fileUrl ?? recording.fileUrl;
        recording.fileSize = finished.fileSize ?? recording.fileSize;
        recording.duration = finished.durationSeconds ?? recording.duration;
      }
      await db.flush();
      return recording.id;
    },
  };
}

export const meetingUrl = (ctx: ActivityContext, roomId: string) => `${ctx.publicUrl}/meetings/${roomId}`;

const zoneOf = (user: UserEntity, ctx: ActivityContext) => String(user.notificationPreferences.timeZone ?? ctx.timeZone);

/** The host and every invitee who has not declined. */
async function peopleToNotify(ctx: ActivityContext, room: RoomEntity): Promise<UserEntity[]> {
  const invitations = await ctx.orm.em.fork().find(RoomInvitation, { room: room.id, status: { $nin: ['declined', 'cancelled'] } }, { populate: ['invitee'] });
  const people = new Map<string, UserEntity>([[room.host.id, room.host]]);
  for (const invitation of invitations) if (invitation.invitee) people.set(invitation.invitee.id, invitation.invitee);
  return [...people.values()];
}

function inviteMessage(
  ctx: ActivityContext,
  room: RoomEntity,
  invitee: UserEntity,
  token: string,
  input: { kind: InviteKind; sequence: number; reason?: string },
  attendees: string[],
) {
  const start = room.scheduledStartTime ?? new Date();
  const end = new Date(start.getTime() + (room.plannedDuration ?? 30) * 60_000);
  const when = formatWhen(start, ctx.timeZone);
  const rsvp = `${ctx.publicUrl}/invitations/${token}`;
  const subject = { invite: `Invitation: ${room.name}`, update: `Updated: ${room.name}`, cancel: `Cancelled: ${room.name}` }[input.kind];
  const text = {
    invite: `${room.host.name} invites you to "${room.name}" on ${when}.\nAccept or decline: ${rsvp}\nJoin: ${meetingRoomUrl(ctx.publicUrl, room.id)}`,
    update: `"${room.name}" has moved to ${when}.\nAccept or decline: ${rsvp}\nJoin: ${meetingRoomUrl(ctx.publicUrl, room.id)}`,
    cancel: `"${room.name}" on ${when} is cancelled${input.reason ? `: ${input.reason}` : ''}.`,
  }[input.kind];
  const method = input.kind === 'cancel' ? 'CANCEL' : 'REQUEST';
  const calendar = buildCalendarEvent({
    uid: `${room.id}@meetflow`,
    sequence: input.sequence,
    method,
    title: room.name,
    description: room.description ?? undefined,
    start,
    end,
    organizer: { name: room.host.name, email: room.host.email },
    attendees: attendees.map((email) => ({ email })),
    url: meetingRoomUrl(ctx.publicUrl, room.id),
  });
  return {
    key: `${input.kind}-email:${room.id}:${input.sequence}:${invitee.id}`,
    user: invitee,
    type: `meeting_${input.kind}`,
    title: subject,
    text,
    data: { roomId: room.id, sequence: input.sequence },
    actionUrl: rsvp,
    channel: 'email' as const,
    email: { subject, text, calendar: { method, content: calendar } as const },
  };
}

function inviteDm(ctx: ActivityContext, room: RoomEntity, invitee: UserEntity, token: string, input: { kind: InviteKind; sequence: number; reason?: string }) {
  // In the reader's own time zone when Slack told us it (users.info), else the deployment's.
  const when = formatWhen(room.scheduledStartTime ?? new Date(), zoneOf(invitee, ctx));
  const text = {
    invite: `${room.host.name} invited you to "${room.name}" on ${when}.`,
    update: `"${room.name}" moved to ${when}.`,
    cancel: `"${room.name}" on ${when} is cancelled${input.reason ? `: ${input.reason}` : ''}.`,
  }[input.kind];
  return {
    key: `${input.kind}-dm:${room.id}:${input.sequence}:${invitee.id}`,
    user: invitee,
    type: `meeting_${input.kind}_dm`,
    title: text,
    text,
    data: { roomId: room.id, sequence: input.sequence },
    actionUrl: meetingRoomUrl(ctx.publicUrl, room.id),
    channel: 'chat' as const,
    blocks: inviteBlocks({ title: room.name, when, host: room.host.name, token, kind: input.kind, reason: input.reason, url: meetingRoomUrl(ctx.publicUrl, room.id) }),
  };
}
