import type { ViewSubmitAction } from '@slack/bolt';
import type { Block } from '../../integrations/chat/slack-blocks';

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

export type Values = ViewSubmitAction['view']['state']['values'];
export const value = (values: Values, block: string) => values[block]?.value;

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
