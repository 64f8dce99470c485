/**
 * Block Kit layouts of the messages Meetflow sends, shared by the worker (DMs) and the bot (replies).
 * Slack's limits are kept here: at most 50 blocks a message and 3,000 characters a text section; longer
 * content is cut with a link to the full version, never refused.
 */
export const MAX_BLOCKS = 50;
export const MAX_SECTION_TEXT = 3000;

export type Block = Record<string, unknown>;

export const ACTIONS = {
  rsvpAccept: 'rsvp_accept',
  rsvpDecline: 'rsvp_decline',
  actionItemDone: 'action_item_done',
  actionItemSnooze: 'action_item_snooze',
  cancelMeeting: 'meeting_cancel',
} as const;

export function truncate(text: string, max = MAX_SECTION_TEXT, more?: string): string {
  if (text.length <= max) return text;
  const suffix = more ? `… <${more}|read the rest>` : '…';
  return text.slice(0, max - suffix.length).replace(/\s+\S*$/, '') + suffix;
}

export const section = (text: string, more?: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, MAX_SECTION_TEXT, more) } });
export const header = (text: string): Block => ({ type: 'header', text: { type: 'plain_text', text: truncate(text, 150), emoji: true } });
export const context = (text: string): Block => ({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, MAX_SECTION_TEXT) }] });
export const divider = (): Block => ({ type: 'divider' });

export function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): Block {
  return { type: 'button', text: { type: 'plain_text', text, emoji: true }, action_id: actionId, value, ...(style ? { style } : {}) };
}

export const linkButton = (text: string, url: string): Block => ({ type: 'button', text: { type: 'plain_text', text }, url, action_id: `link_${url.length}` });

/** Keeps a message within 50 blocks: the overflow is replaced by one line pointing at the full version. */
export function fitBlocks(blocks: Block[], more: string): Block[] {
  if (blocks.length <= MAX_BLOCKS) return blocks;
  return [...blocks.slice(0, MAX_BLOCKS - 1), context(`${blocks.length - MAX_BLOCKS + 1} more items: <${more}|see everything>`)];
}

export function inviteBlocks(input: { title: string; when: string; host: string; token?: string; kind: 'invite' | 'update' | 'cancel'; reason?: string; url: string }): Block[] {
  if (input.kind === 'cancel') {
    return [section(`~${input.title}~\n*Cancelled*${input.reason ? `: ${input.reason}` : ''} (was ${input.when})`)];
  }
  const lead = input.kind === 'update' ? `*${input.title}* has moved to *${input.when}*` : `*${input.host}* invited you to *${input.title}*\n${input.when}`;
  return [
    section(lead),
    ...(input.token
      ? [{ type: 'actions', elements: [button('Accept', ACTIONS.rsvpAccept, input.token, 'primary'), button('Decline', ACTIONS.rsvpDecline, input.token), linkButton('Details', input.url)] }]
      : []),
  ];
}

export interface ResultsBlocksInput {
  title: string;
  generator: string;
  summary: string;
  decisions: string[];
  mine: { id: string; title: string; due?: string | null }[];
  all?: { title: string; owner: string; due?: string | null }[];
  report: string;
  url: string;
}

export function resultsBlocks(input: ResultsBlocksInput): Block[] {
  const blocks: Block[] = [header(`Summary: ${input.title}`), section(input.summary, input.url)];
  if (input.decisions.length) blocks.push(section(`*Decisions*\n${input.decisions.map((d) => `• ${d}`).join('\n')}`, input.url));
  blocks.push(divider(), section(input.mine.length ? '*Your action items*' : 'You have no action items from this meeting.'));
  for (const item of input.mine) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(`• ${item.title}${item.due ? ` _(due ${item.due})_` : ''}`) }, accessory: button('Mark done', ACTIONS.actionItemDone, item.id) });
  }
  if (input.all?.length) blocks.push(section(`*All action items*\n${input.all.map((i) => `• ${i.title} (${i.owner}${i.due ? `, due ${i.due}` : ''})`).join('\n')}`, input.url));
  blocks.push(divider(), section(`*Your report*\n${input.report}`, input.url), context(`Made by the ${input.generator} summarizer · <${input.url}|full summary>`));
  return fitBlocks(blocks, input.url);
}

export function reminderBlocks(input: { itemId: string; title: string; meeting: string; due: string }): Block[] {
  return [
    section(`:alarm_clock: *${input.title}* from _${input.meeting}_ is due *${input.due}*.`),
    { type: 'actions', elements: [button('Mark done', ACTIONS.actionItemDone, input.itemId, 'primary'), button('Snooze 1 day', ACTIONS.actionItemSnooze, input.itemId)] },
  ];
}
