import type { AllMiddlewareArgs, App, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { snoozeReminder, syncReminder } from '../../clients/action-items';
import { ActionItem, Room, RoomInvitation } from '../../db/entities';
import { ACTIONS } from '../../integrations/chat/slack-blocks';
import { meetingWorkflowId } from '../../workflows/ids';
import { cancelUpdate, rsvpUpdate } from '../../workflows/messages';
import type { BotDeps } from '../app';
import { auditSlack } from '../audit';
import { errorText } from '../blocks/replies';
import { runUpdate, UserFacingError } from '../commands/meet';
import { slackUser } from '../users';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** Buttons: ack first, then act as the person who clicked, and tell them (ephemerally) what happened. */
function button(deps: BotDeps, handle: (args: ButtonArgs, em: ReturnType<BotDeps['orm']['em']['fork']>) => Promise<string>) {
  return async (args: ButtonArgs) => {
    await args.ack();
    const em = deps.orm.em.fork();
    try {
      const text = await handle(args, em);
      await args.respond({ response_type: 'ephemeral', replace_original: false, text });
    } catch (error) {
      if (!(error instanceof UserFacingError)) deps.log.error({ err: error, action: args.action.action_id }, 'button failed');
      const text = error instanceof UserFacingError ? errorText(error.message) : errorText('Something went wrong on our side; it has been logged.');
      await args.respond({ response_type: 'ephemeral', replace_original: false, text });
    }
  };
}

export function registerActions(app: App, deps: BotDeps): void {
  for (const [actionId, response] of [
    [ACTIONS.rsvpAccept, 'accept'],
    [ACTIONS.rsvpDecline, 'decline'],
  ] as const) {
    app.action<BlockButtonAction>(
      actionId,
      button(deps, async ({ action, body, client }, em) => {
        const me = await slackUser(em, client, body.user.id);
        const invitation = await em.findOne(RoomInvitation, { token: action.value }, { populate: ['room'] });
        if (!invitation || invitation.invitee?.id !== me.id) throw new UserFacingError('this invitation is not yours');
        const result = await runUpdate(() => deps.temporal.workflow.getHandle(meetingWorkflowId(invitation.room.id)).executeUpdate(rsvpUpdate, { args: [{ invitationToken: invitation.token, response }] }));
        return result.status === 'accepted' ? `You accepted "${invitation.room.name}". See you there!` : `You declined "${invitation.room.name}".`;
      }),
    );
  }

  app.action<BlockButtonAction>(
    ACTIONS.actionItemDone,
    button(deps, async ({ action, body, client }, em) => {
      const me = await slackUser(em, client, body.user.id);
      const item = await em.findOne(ActionItem, action.value!, { populate: ['assignedTo', 'room.host'] });
      if (!item || (item.assignedTo?.id !== me.id && item.room.host.id !== me.id)) throw new UserFacingError('only its assignee or the meeting host can complete this item');
      if (item.status !== 'completed') {
        item.status = 'completed';
        item.completedAt = new Date();
        await em.flush();
        await auditSlack(em, me, 'action_item.update', { type: 'action_item', id: item.id }, { meetingId: item.room.id, changes: { status: 'completed' } });
        await syncReminder(deps.temporal, deps.cfg.TEMPORAL_TASK_QUEUE, { id: item.id, status: item.status, dueDate: item.dueDate ?? null, assigned: Boolean(item.assignedTo) });
      }
      return `:white_check_mark: Done: ${item.title}`;
    }),
  );

  app.action<BlockButtonAction>(
    ACTIONS.actionItemSnooze,
    button(deps, async ({ action, body, client }, em) => {
      const me = await slackUser(em, client, body.user.id);
      const item = await em.findOne(ActionItem, action.value!, { populate: ['assignedTo'] });
      if (!item || item.assignedTo?.id !== me.id) throw new UserFacingError('only its assignee can snooze this reminder');
      if (!item.dueDate || item.status === 'completed' || item.status === 'cancelled') throw new UserFacingError(`"${item.title}" has nothing to remind you of`);
      const remindAt = new Date(Date.now() + 86_400_000);
      await snoozeReminder(deps.temporal, deps.cfg.TEMPORAL_TASK_QUEUE, { id: item.id, dueDate: item.dueDate }, remindAt);
      await auditSlack(em, me, 'action_item.snooze', { type: 'action_item', id: item.id }, { until: remindAt.toISOString() });
      return `:zzz: I'll remind you about "${item.title}" again tomorrow.`;
    }),
  );

  app.action<BlockButtonAction>(
    ACTIONS.cancelMeeting,
    button(deps, async ({ action, body, client }, em) => {
      const me = await slackUser(em, client, body.user.id);
      const room = await em.findOne(Room, action.value!, { populate: ['host'] });
      if (!room || room.host.id !== me.id) throw new UserFacingError('only the host can cancel this meeting');
      await runUpdate(() => deps.temporal.workflow.getHandle(meetingWorkflowId(room.id)).executeUpdate(cancelUpdate, { args: ['cancelled from Slack'] }));
      await auditSlack(em, me, 'meeting.cancel', { type: 'meeting', id: room.id }, { reason: 'cancelled from Slack' });
      return `Cancelled "${room.name}".`;
    }),
  );
}
