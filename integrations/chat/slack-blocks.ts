import type { ChatActionId, ChatBlock, ChatButton, ChatLayout } from './types';

/**
 * Slack's Block Kit: the rendering of Meetflow's platform-neutral messages (toBlockKit) and the builders the
 * bot uses for its own replies.
 * Slack's limits are kept here: at most 50 blocks a message and 3,000 characters a text section; longer
 * content is cut with a link to the full version, never refused.
 */
export const MAX_BLOCKS = 50;
export const MAX_SECTION_TEXT = 3000;

export type Block = Record<string, unknown>;

/** Slack action_id of each of Meetflow's buttons (the bot listens on these). */
export const ACTIONS: Record<ChatActionId, string> = {
  rsvpAccept: 'rsvp_accept',
  rsvpDecline: 'rsvp_decline',
  actionItemDone: 'action_item_done',
  actionItemSnooze: 'action_item_snooze',
  cancelMeeting: 'meeting_cancel',
  consentDecline: 'consent_decline',
  recapApprove: 'recap_approve',
  recapEdit: 'recap_edit',
  recapDiscard: 'recap_discard',
};

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

function buttonElement(chatButton: ChatButton): Block {
  if (chatButton.kind === 'link') return linkButton(chatButton.label, chatButton.url);
  return button(chatButton.label, ACTIONS[chatButton.action], chatButton.value, chatButton.style);
}

function blockOf(block: ChatBlock, more?: string): Block {
  switch (block.kind) {
    case 'heading':
      return header(block.text);
    case 'text':
      return block.button ? { ...section(block.text, more), accessory: buttonElement(block.button) } : section(block.text, more);
    case 'note':
      return context(block.link ? `${block.text}<${block.link.url}|${block.link.label}>` : block.text);
    case 'buttons':
      return { type: 'actions', elements: block.buttons.map(buttonElement) };
    case 'divider':
      return divider();
  }
}

/** A neutral message layout as Block Kit, within Slack's limits (long text cut with a link to `more`). */
export function toBlockKit(layout: ChatLayout): Block[] {
  const blocks = layout.blocks.map((block) => blockOf(block, layout.more));
  return layout.more ? fitBlocks(blocks, layout.more) : blocks.slice(0, MAX_BLOCKS);
}
