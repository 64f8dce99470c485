export interface ChatRecipient {
  userId: string;
  name: string;
  email: string;
  /** The chat platform's own user id (Slack's U...), when known. */
  chatUserId?: string;
}

export interface ChatMessage {
  to: ChatRecipient;
  /** Plain-text fallback (and the whole message for providers without rich layout). */
  text: string;
  /** Rich layout (Slack Block Kit) for providers that support it. */
  blocks?: unknown[];
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
  update?(messageId: string, text: string, blocks?: unknown[]): Promise<void>;
  findSent?(idempotencyKey: string, recipient: ChatRecipient): Promise<string | undefined>;
}
