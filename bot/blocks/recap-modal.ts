import type { RecapView } from '../../commands/recaps';
import type { Values } from './schedule-modal';

export const RECAP_MODAL = 'recap_edit_modal';
const SUMMARY_MAX = 3000;

/** The host's edit of a draft recap: the summary text and the decisions (one a line); the meeting's id rides along. */
export function recapModal(roomId: string, title: string, recap: RecapView): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: RECAP_MODAL,
    private_metadata: roomId,
    title: { type: 'plain_text', text: 'Edit the recap' },
    submit: { type: 'plain_text', text: 'Save and send' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'context', elements: [{ type: 'mrkdwn', text: `*${title}*: participants get the recap once you save it.` }] },
      input('summary', 'Summary', { type: 'plain_text_input', multiline: true, max_length: SUMMARY_MAX, initial_value: recap.summary.executiveSummary.slice(0, SUMMARY_MAX) }),
      input('decisions', 'Decisions (one a line)', { type: 'plain_text_input', multiline: true, initial_value: recap.summary.decisions.join('\n') }, true),
    ],
  };
}

const input = (blockId: string, label: string, element: Record<string, unknown>, optional = false) => ({
  type: 'input',
  block_id: blockId,
  label: { type: 'plain_text', text: label },
  optional,
  element: { action_id: 'value', ...element },
});

/** The edit a submitted form asks for, or the field errors Slack shows under each field. */
export function recapEditOf(values: Values): { edit: { executiveSummary: string; decisions: string[] } } | { errors: Record<string, string> } {
  const summary = values.summary?.value?.value?.trim() ?? '';
  if (!summary) return { errors: { summary: 'The summary must not be empty (Discard the recap instead)' } };
  const decisions = (values.decisions?.value?.value ?? '').split('\n').map((line) => line.trim()).filter(Boolean);
  return { edit: { executiveSummary: summary, decisions } };
}
