export interface ChatRecipient {
  userId: string;
  name: string;
  email: string;
  /** The chat platform's own user id (Slack's U...), when known. */
  chatUserId?: string;
}

/** What a button in a message asks Meetflow to do; each chat adapter maps these to its own action ids. */
export const CHAT_ACTIONS = ['rsvpAccept', 'rsvpDecline', 'actionItemDone', 'actionItemSnooze', 'cancelMeeting', 'consentDecline', 'recapApprove', 'recapEdit', 'recapDiscard'] as const;
export type ChatActionId = (typeof CHAT_ACTIONS)[number];

export type ChatButton =
  | { kind: 'link'; label: string; url: string }
  | { kind: 'action'; label: string; action: ChatActionId; value: string; style?: 'primary' | 'danger' };

/**
 * A message's layout, independent of any chat platform: activities compose these, and each adapter renders
 * them (Slack as Block Kit). Text uses light markup that reads well unrendered: *bold*, _italic_, ~struck~.
 * `more` is where the whole content can be read when a platform has to cut it.
 */
export type ChatBlock =
  | { kind: 'heading'; text: string }
  | { kind: 'text'; text: string; button?: ChatButton }
  | { kind: 'note'; text: string; link?: { label: string; url: string } }
  | { kind: 'buttons'; buttons: ChatButton[] }
  | { kind: 'divider' };

export interface ChatLayout {
  blocks: ChatBlock[];
  /** Where the full version lives, for a platform that must shorten the message. */
  more?: string;
}

export interface ChatMessage {
  to: ChatRecipient;
  /** Plain-text fallback (and the whole message for providers without rich layout). */
  text: string;
  /** Rich layout, for providers that support it. */
  layout?: ChatLayout;
  idempotencyKey: string;
}

export interface ChatProvider {
  readonly name: string;
  /** A cheap call that fails when the provider cannot be used (credentials, reachability); for /ready. */
  check?(): Promise<void>;
  /** Whether this recipient can be reached on the platform (else delivery falls back to email). */
  canReach(recipient: ChatRecipient): boolean;
  send(message: ChatMessage): Promise<{ messageId: string }>;
  /** Rewrites a message sent earlier (an invite after a reschedule), where the platform allows it. */
  update?(messageId: string, text: string, layout?: ChatLayout): Promise<void>;
  findSent?(idempotencyKey: string, recipient: ChatRecipient): Promise<string | undefined>;
}
