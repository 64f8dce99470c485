import type { EntityManager } from '@mikro-orm/postgresql';
import { heartbeat } from '@temporalio/activity';
import { briefText, meetingBrief } from '../db/brief';
import { isMeetingRecorded } from '../policies/recording';
import { Notification, RoomInvitation, type RoomEntity } from '../db/entities';
import { peopleToNotify } from '../db/meetings';
import type { ActivityContext } from './context';
import { deliverOnce, recipientOf } from './delivery';
import { type InviteChange, inviteDm, inviteEmail } from './messages/invites';
import { messageKeys } from './messages/keys';
import { meetingBriefMessage, meetingReminder } from './messages/meeting-notices';
import { roomForActivity } from './room';

/** Invitations stay valid this long after the meeting's start (as the workflow sets them when it invites). */
const VALID_AFTER_START_MS = 24 * 3_600_000;

/** A moved meeting's invitations expire after its new start, so the links in the updates keep working. */
async function moveExpiry(db: EntityManager, meeting: RoomEntity): Promise<void> {
  if (!meeting.scheduledStartTime) return;
  const expiresAt = new Date(meeting.scheduledStartTime.getTime() + VALID_AFTER_START_MS);
  await db.nativeUpdate(RoomInvitation, { room: meeting.id, status: { $ne: 'cancelled' } }, { expiresAt });
  // Those the cleanup job expired under the old start are open again.
  if (expiresAt.getTime() > Date.now()) await db.nativeUpdate(RoomInvitation, { room: meeting.id, status: 'expired' }, { status: 'pending' });
}

/** What invitees hear before the meeting: the invite (its updates, its cancellation) and the reminder. */
export function createInvitationActivities(ctx: ActivityContext) {
  const em = () => ctx.orm.em.fork();
  const room = (roomId: string) => roomForActivity(ctx, roomId);

  return {
    /** Emails every invitee the calendar invite (REQUEST, or CANCEL) and sends a DM; one delivery per kind and sequence. */
    async sendInvites(input: InviteChange & { roomId: string }): Promise<number> {
      const meeting = await room(input.roomId);
      const db = em();
      if (input.kind === 'update') await moveExpiry(db, meeting);
      const change = { ...input, recorded: isMeetingRecorded(meeting, ctx.providers.video.recordingMode) };
      const invitations = await db.find(RoomInvitation, { room: meeting.id }, { populate: ['invitee'] });
      let sent = 0;
      for (const invitation of invitations) {
        if (!invitation.invitee || (input.kind === 'update' && invitation.status === 'declined')) continue;
        await deliverOnce(db, inviteEmail(ctx, meeting, invitation.invitee, invitation.token, change, invitations.map((i) => i.inviteeEmail)), ctx);
        if (ctx.providers.chat.canReach(recipientOf(invitation.invitee))) {
          // A reschedule or a cancel rewrites the invite DM in place (where the platform can), so the buttons
          // people see always belong to the meeting as it is now.
          const original = input.kind === 'invite' ? null : await db.findOne(Notification, { idempotencyKey: messageKeys.inviteDm('invite', meeting.id, 0, invitation.invitee.id), deliveryStatus: 'sent' });
          const dm = inviteDm(ctx, meeting, invitation.invitee, invitation.token, change);
          await deliverOnce(db, { ...dm, replaces: original?.providerMessageId ?? undefined }, ctx);
        }
        sent += 1;
        heartbeat(sent);
      }
      if (input.kind === 'cancel') {
        await db.nativeUpdate(RoomInvitation, { room: meeting.id, status: 'pending' }, { status: 'cancelled' });
      }
      return sent;
    },

    /**
     * The reminder before the start, to the host and everyone who has not declined; once per start time. It carries
     * the brief (what is still open from the same people's earlier meetings, as of now): the host's, or with
     * briefAudience "everyone" each person's own, from the meetings that person may see. `brief`: `without` when
     * the brief has a time of its own, `only` for that brief alone (to those who have one). Returns messages sent.
     */
    async sendMeetingReminder(input: { roomId: string; scheduledStart: string; minutesBefore: number; brief?: 'with' | 'without' | 'only' }): Promise<number> {
      const meeting = await room(input.roomId);
      const people = await peopleToNotify(em(), meeting);
      const part = input.brief ?? 'with';
      const everyone = meeting.settings.briefAudience === 'everyone';
      let sent = 0;
      for (const user of people) {
        const brief = part !== 'without' && (everyone || user.id === meeting.host.id) ? briefText(await meetingBrief(em(), meeting, user)) : '';
        const message = part === 'only' ? brief && meetingBriefMessage(ctx, meeting, user, input.scheduledStart, brief) : meetingReminder(ctx, meeting, user, input.scheduledStart, input.minutesBefore, brief);
        if (message) {
          await deliverOnce(em(), message, ctx);
          sent += 1;
        }
        heartbeat();
      }
      return sent;
    },
  };
}
