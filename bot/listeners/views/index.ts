import type { App, Context, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { createMeeting } from '../../../commands/meetings';
import { slackActor } from '../../actor';
import { formErrors, MODAL, value } from '../../blocks/schedule-modal';
import { commandDeps, type BotDeps } from '../../deps';
import { replyForError } from '../../errors';
import { firstDelivery } from '../../replay';
import { afterAck } from '../../work-slots';
import { shortId } from '../../meetings';
import { formatInZone } from '../../time';
import { mentionedSlackUser, slackUser, timeZoneOf } from '../../users';
import { registerRecapViews } from './recaps';

/**
 * The schedule form: field errors go back in the ack (Slack shows them under each field); then the meeting is
 * made, once however often the same submission arrives.
 */
export function registerViews(app: App, deps: BotDeps): void {
  registerRecapViews(app, deps);
  app.view<ViewSubmitAction>(MODAL, async ({ ack, body, context, view, client }) => {
    const errors = formErrors(view.state.values);
    if (Object.keys(errors).length) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    await afterAck(deps, () => scheduleFromForm(deps, body, context, client));
  });
}

/** Makes the meeting of a valid form (once per submission) and tells its maker in a DM. */
async function scheduleFromForm(deps: BotDeps, body: ViewSubmitAction, context: Context, client: WebClient): Promise<void> {
  if (!(await firstDelivery(deps, body, context))) return;
  const values = body.view.state.values;
  const em = deps.orm.em.fork();
  const opened = await client.conversations.open({ users: body.user.id });
  const tell = (text: string) => client.chat.postMessage({ channel: opened.channel!.id!, text });
  try {
    const me = await slackUser(em, client, body.user.id);
    const invitees = await Promise.all((value(values, 'invitees')?.selected_users ?? []).filter((id) => id !== body.user.id).map((id) => mentionedSlackUser(em, client, id)));
    const start = new Date(Number(value(values, 'start')!.selected_date_time) * 1000);
    const { room } = await createMeeting(commandDeps(deps, em), { ...slackActor(me), details: { slackUserId: me.oauthId ?? null, via: 'modal' } }, {
      title: value(values, 'title')!.value!.trim(),
      start,
      durationMinutes: Number(value(values, 'duration')!.value),
      invitees: invitees.map((user) => ({ email: user.email, name: user.name, userId: user.id })),
      settings: { autoRecord: (value(values, 'record')?.selected_options ?? []).length > 0 },
    });
    await tell(`Scheduled "${room.name}" (\`${shortId(room)}\`) for ${formatInZone(start, timeZoneOf(me))}${invitees.length ? ` with ${invitees.map((u) => u.name).join(', ')}` : ''}.`);
  } catch (error) {
    await tell(replyForError(error, deps.log, { view: MODAL }));
  }
}
