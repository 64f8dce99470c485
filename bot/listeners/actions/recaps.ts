import type { AllMiddlewareArgs, App, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { findVisibleMeeting } from '../../../commands/meetings';
import { decideRecap, findRecap } from '../../../commands/recaps';
import { ACTIONS } from '../../../integrations/chat/slack-blocks';
import { slackActor } from '../../actor';
import { recapModal } from '../../blocks/recap-modal';
import { commandDeps, type BotDeps } from '../../deps';
import { replyForError } from '../../errors';
import { firstDelivery } from '../../replay';
import { afterAck } from '../../work-slots';
import { slackUser } from '../../users';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** The host's buttons under a draft recap: Approve and Discard decide at once; Edit opens the form (views/recaps). */
export function registerRecapActions(app: App, deps: BotDeps): void {
  for (const [actionId, decision] of [
    [ACTIONS.recapApprove, 'approve'],
    [ACTIONS.recapDiscard, 'discard'],
  ] as const) {
    app.action<BlockButtonAction>(actionId, recapButton(deps, async (args, roomId) => {
      const em = deps.orm.em.fork();
      const me = slackActor(await slackUser(em, args.client, args.body.user.id));
      const room = await findVisibleMeeting(commandDeps(deps, em), me, roomId);
      await decideRecap(commandDeps(deps, em), me, room, decision);
      return decision === 'approve' ? `:white_check_mark: Approved: everyone who joined "${room.name}" gets the recap now.` : `:wastebasket: Discarded: nobody gets the recap of "${room.name}".`;
    }));
  }

  app.action<BlockButtonAction>(ACTIONS.recapEdit, recapButton(deps, async (args, roomId) => {
    const em = deps.orm.em.fork();
    const me = slackActor(await slackUser(em, args.client, args.body.user.id));
    const room = await findVisibleMeeting(commandDeps(deps, em), me, roomId);
    const recap = await findRecap(commandDeps(deps, em), me, room);
    if (recap.state !== 'awaiting') return `The recap of "${room.name}" was already ${recap.state}: there is nothing to edit.`;
    await args.client.views.open({ trigger_id: args.body.trigger_id, view: recapModal(room.id, room.name, recap) as never });
    return undefined;
  }));
}

/** Ack first; act once per click (a replayed request does nothing); tell the host what happened, or why not. */
function recapButton(deps: BotDeps, handle: (args: ButtonArgs, roomId: string) => Promise<string | undefined>) {
  return async (args: ButtonArgs) => {
    await args.ack();
    await afterAck(deps, async () => {
      let text: string | undefined;
      try {
        if (!(await firstDelivery(deps, args.body, args.context))) return;
        text = await handle(args, args.action.value ?? '');
      } catch (error) {
        text = replyForError(error, deps.log, { action: args.action.action_id });
      }
      if (text) await args.respond({ response_type: 'ephemeral', replace_original: false, text });
    });
  };
}
