import type { AllMiddlewareArgs, App, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { completeActionItem, snoozeActionItem } from '../../../commands/action-items';
import { setRecordingConsent } from '../../../commands/consent';
import { answerInvitation, cancelMeeting, findVisibleMeeting } from '../../../commands/meetings';
import type { UserEntity } from '../../../db/entities';
import { ACTIONS } from '../../../integrations/chat/slack-blocks';
import { slackActor } from '../../actor';
import { commandDeps, type BotDeps } from '../../deps';
import { replyForError } from '../../errors';
import { firstDelivery } from '../../replay';
import { afterAck } from '../../work-slots';
import { slackUser } from '../../users';
import { registerRecapActions } from './recaps';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;
type BotEm = ReturnType<BotDeps['orm']['em']['fork']>;

/**
 * Buttons: ack first, then act as the person who pressed it, and tell them (ephemerally) what happened. A click
 * delivered again (a replay of the same request) does nothing.
 */
function button(deps: BotDeps, handle: (value: string, me: UserEntity, em: BotEm, actionTs: string) => Promise<string>) {
  return async ({ ack, action, body, context, client, respond }: ButtonArgs) => {
    await ack();
    await afterAck(deps, async () => {
      const em = deps.orm.em.fork();
      let text: string;
      try {
        if (!(await firstDelivery(deps, body, context))) return;
        text = await handle(action.value ?? '', await slackUser(em, client, body.user.id), em, action.action_ts);
      } catch (error) {
        text = replyForError(error, deps.log, { action: action.action_id });
      }
      await respond({ response_type: 'ephemeral', replace_original: false, text });
    });
  };
}

export function registerActions(app: App, deps: BotDeps): void {
  registerRecapActions(app, deps);
  for (const [actionId, response] of [
    [ACTIONS.rsvpAccept, 'accept'],
    [ACTIONS.rsvpDecline, 'decline'],
  ] as const) {
    app.action<BlockButtonAction>(
      actionId,
      button(deps, async (token, me, em) => {
        const { invitation, status } = await answerInvitation(commandDeps(deps, em), token, response, me);
        return status.status === 'accepted' ? `You accepted "${invitation.room.name}". See you there!` : `You declined "${invitation.room.name}".`;
      }),
    );
  }

  app.action<BlockButtonAction>(
    ACTIONS.actionItemDone,
    button(deps, async (itemId, me, em) => `:white_check_mark: Done: ${(await completeActionItem(commandDeps(deps, em), slackActor(me), itemId)).title}`),
  );

  app.action<BlockButtonAction>(
    ACTIONS.actionItemSnooze,
    button(deps, async (itemId, me, em) => {
      const item = await snoozeActionItem(commandDeps(deps, em), slackActor(me), itemId, new Date(Date.now() + 86_400_000));
      return `:zzz: I'll remind you about "${item.title}" again tomorrow.`;
    }),
  );

  // "Don't record me" in the invite DM: the click's own timestamp is the decision's event id.
  app.action<BlockButtonAction>(
    ACTIONS.consentDecline,
    button(deps, async (roomId, me, em, actionTs) => {
      await setRecordingConsent(commandDeps(deps, em), slackActor(me), { roomId, record: false, eventId: `slack-${actionTs}` });
      return `:no_entry_sign: You will not be recorded in this meeting. Changed your mind? The meeting's join page has the switch.`;
    }),
  );

  app.action<BlockButtonAction>(
    ACTIONS.cancelMeeting,
    button(deps, async (roomId, me, em) => {
      const room = await findVisibleMeeting(commandDeps(deps, em), slackActor(me), roomId);
      await cancelMeeting(commandDeps(deps, em), slackActor(me), room, 'cancelled from Slack');
      return `Cancelled "${room.name}".`;
    }),
  );
}
