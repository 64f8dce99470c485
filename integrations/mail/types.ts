export interface MailMessage {
  to: { name?: string; email: string };
  subject: string;
  text: string;
  html?: string;
  /** An iCalendar body (integrations/calendar) sent as the text/calendar part. */
  calendar?: { method: 'REQUEST' | 'CANCEL'; content: string };
  /** Same key, same message: providers that can, use it to avoid sending twice. */
  idempotencyKey: string;
  /** Aborts the send (the activity was cancelled, or its claim on the message lapsed). */
  signal?: AbortSignal;
}

export interface MailProvider {
  readonly name: string;
  /** A cheap call that fails when the provider cannot be used (credentials, reachability); for /ready. */
  check?(): Promise<void>;
  send(message: MailMessage): Promise<{ messageId: string }>;
  /** The id of a message already sent under this key, when the provider can tell. */
  findSent?(idempotencyKey: string): Promise<string | undefined>;
}
