import type { App, ViewSubmitAction } from '@slack/bolt';
import { findVisibleMeeting } from '../../../commands/meetings';
import { decideRecap } from '../../../commands/recaps';
import { slackActor } from '../../actor';
import { RECAP_MODAL, recapEditOf } from '../../blocks/recap-modal';
import { commandDeps, type BotDeps } from '../../deps';
import { replyForError } from '../../errors';
import { firstDelivery } from '../../replay';
import { afterAck } from '../../work-slots';
import { slackUser } from '../../users';

/** The host's edited recap: a field error goes back in the ack; then the edit is saved and sent, and the host told in a DM. */
export function registerRecapViews(app: App, deps: BotDeps): void {
  app.view<ViewSubmitAction>(RECAP_MODAL, async ({ ack, body, context, view, client }) => {
    const parsed = recapEditOf(view.state.values);
    if ('errors' in parsed) {
      await ack({ response_action: 'errors', errors: parsed.errors });
      return;
    }
    await ack();
    await afterAck(deps, async () => {
      if (!(await firstDelivery(deps, body, context))) return;
      const opened = await client.conversations.open({ users: body.user.id });
      const tell = (text: string) => client.chat.postMessage({ channel: opened.channel!.id!, text });
      try {
        const em = deps.orm.em.fork();
        const me = slackActor(await slackUser(em, client, body.user.id));
        const room = await findVisibleMeeting(commandDeps(deps, em), me, view.private_metadata);
        await decideRecap(commandDeps(deps, em), me, room, 'approve', parsed.edit);
        await tell(`:pencil: Saved your edit of the recap of "${room.name}": everyone who joined gets it now.`);
      } catch (error) {
        await tell(replyForError(error, deps.log, { view: RECAP_MODAL }));
      }
    });
  });
}
