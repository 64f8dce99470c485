import type { App, ViewSubmitAction } from '@slack/bolt';
import { scheduleMeeting } from '../clients/meetings';
import { User } from '../db/entities';
import type { Block } from '../integrations/chat/slack-blocks';
import type { BotDeps } from './app';
import { auditSlack } from './audit';
import { shortId } from './meetings';
import { formatInZone } from './time';
import { slackUser, timeZoneOf } from './users';

export const SHORTCUT = 'schedule_meeting';
export const MODAL = 'schedule_meeting_modal';

const input = (blockId: string, label: string, element: Record<string, unknown>, optional = false): Block => ({
  type: 'input',
  block_id: blockId,
  label: { type: 'plain_text', text: label },
  optional,
  element: { action_id: 'value', ...element },
});

/** The "Schedule a meeting" form: for people who prefer fields to a slash command. */
export function scheduleModal(): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: MODAL,
    title: { type: 'plain_text', text: 'Schedule a meeting' },
    submit: { type: 'plain_text', text: 'Schedule' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      input('title', 'Title', { type: 'plain_text_input', max_length: 255, placeholder: { type: 'plain_text', text: 'Budget review' } }),
      input('start', 'Starts', { type: 'datetimepicker' }),
      input('duration', 'Duration (minutes)', { type: 'number_input', is_decimal_allowed: false, min_value: '5', max_value: '1440', initial_value: '30' }),
      input('invitees', 'Invite', { type: 'multi_users_select' }, true),
      input('record', 'Recording', { type: 'checkboxes', options: [{ text: { type: 'plain_text', text: 'Record and summarize' }, value: 'record' }] }, true),
    ],
  };
}

type Values = ViewSubmitAction['view']['state']['values'];
const value = (values: Values, block: string) => values[block]?.value;

/** What is wrong with a submitted form, per field (Slack shows each message under its field). */
export function formErrors(values: Values, now = Date.now()): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!value(values, 'title')?.value?.trim()) errors.title = 'Give the meeting a title';
  const start = Number(value(values, 'start')?.selected_date_time ?? NaN) * 1000;
  if (!Number.isFinite(start)) errors.start = 'Pick a date and time';
  else if (start <= now) errors.start = 'Pick a time in the future';
  const duration = Number(value(values, 'duration')?.value);
  if (!Number.isInteger(duration) || duration < 5 || duration > 1440) errors.duration = 'Between 5 and 1,440 minutes';
  return errors;
}

export function registerScheduleModal(app: App, deps: BotDeps): void {
  app.shortcut(SHORTCUT, async ({ ack, shortcut, client }) => {
    await ack();
    await client.views.open({ trigger_id: shortcut.trigger_id, view: scheduleModal() as never });
  });

  app.view<ViewSubmitAction>(MODAL, async ({ ack, body, view, client }) => {
    const values = view.state.values;
    const errors = formErrors(values);
    if (Object.keys(errors).length) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    const em = deps.orm.em.fork();
    const me = await slackUser(em, client, body.user.id);
    const invitees = await Promise.all((value(values, 'invitees')?.selected_users ?? []).filter((id) => id !== body.user.id).map((id) => slackUser(em, client, id)));
    const start = new Date(Number(value(values, 'start')!.selected_date_time) * 1000);
    const { room } = await scheduleMeeting(
      { em, temporal: deps.temporal, cfg: deps.cfg },
      {
        host: await em.findOneOrFail(User, me.id),
        title: value(values, 'title')!.value!.trim(),
        start,
        durationMinutes: Number(value(values, 'duration')!.value),
        invitees: invitees.map((user) => ({ email: user.email, name: user.name, userId: user.id })),
        settings: { autoRecord: (value(values, 'record')?.selected_options ?? []).length > 0 },
      },
    );
    await auditSlack(em, me, 'meeting.create', { type: 'meeting', id: room.id }, { title: room.name, start: start.toISOString(), invitees: invitees.length, via: 'modal' });
    const opened = await client.conversations.open({ users: body.user.id });
    await client.chat.postMessage({
      channel: opened.channel!.id!,
      text: `Scheduled "${room.name}" (\`${shortId(room)}\`) for ${formatInZone(start, timeZoneOf(me))}${invitees.length ? ` with ${invitees.map((u) => u.name).join(', ')}` : ''}.`,
    });
  });
}
