import { ErrorCode, WebClient, type WebAPIPlatformError, type WebAPIRateLimitedError } from '@slack/web-api';
import type { Logger } from 'pino';
import { toBlockKit } from './slack-blocks';
import type { ChatLayout, ChatMessage, ChatProvider, ChatRecipient } from './types';

/** Slack asked us to slow down; Temporal retries the activity after `retryAfterSeconds`. */
export class ChatRateLimitedError extends Error {
  override name = 'ChatRateLimitedError';
  constructor(readonly retryAfterSeconds: number) {
    super(`Slack rate limit: retry after ${retryAfterSeconds} s`);
  }
}

/**
 * Slack said this one person cannot be messaged (no such user, deactivated, a bot, DMs closed): asking again gets
 * the same answer, so the delivery is marked failed for them (and falls back to email) instead of being retried.
 */
export class ChatRecipientUnreachableError extends Error {
  override name = 'ChatRecipientUnreachableError';
  readonly nonRetryable = true;
  constructor(readonly reason: string) {
    super(`Slack cannot reach this person: ${reason}`);
  }
}

/** Slack's answers that are about the recipient, not about Slack or us: they do not change on a retry. */
const UNREACHABLE_RECIPIENT_ERRORS = new Set([
  'user_not_found',
  'users_not_found',
  'user_disabled',
  'account_inactive',
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'cannot_dm_bot',
  'messages_tab_disabled',
]);

const METADATA_EVENT = 'meetflow_message';
/** Slack allows about one message per second per channel. */
const CHANNEL_PACE_MS = 1_000;

/**
 * Direct messages through Slack's Web API. The client's own retry loop is off and rate limits are raised
 * (Temporal owns retries); each message carries its idempotency key as message metadata, so a retry after a
 * crash can find a message that did go out and not send it twice.
 */
export class SlackChatProvider implements ChatProvider {
  readonly name = 'slack';
  private readonly client: WebClient;
  private readonly channels = new Map<string, string>();
  private readonly lastSent = new Map<string, number>();

  constructor(options: { token: string; apiUrl?: string; log: Logger }) {
    this.client = new WebClient(options.token, {
      slackApiUrl: options.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: 15_000,
    });
  }

  canReach(recipient: ChatRecipient): boolean {
    return Boolean(recipient.chatUserId);
  }

  /** The bot token is valid and Slack answers (auth.test). */
  async check(): Promise<void> {
    await this.client.auth.test();
  }

  async send(message: ChatMessage): Promise<{ messageId: string }> {
    const channel = await this.directChannel(message.to);
    await this.pace(channel);
    const posted = await this.call(() =>
      this.client.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.layout ? (toBlockKit(message.layout) as never) : undefined,
        unfurl_links: false,
        metadata: { event_type: METADATA_EVENT, event_payload: { key: message.idempotencyKey } },
      }),
    );
    return { messageId: `${channel}:${posted.ts}` };
  }

  async findSent(idempotencyKey: string, recipient: ChatRecipient): Promise<string | undefined> {
    const channel = await this.directChannel(recipient);
    const history = await this.call(() => this.client.conversations.history({ channel, limit: 50, include_all_metadata: true }));
    const found = history.messages?.find((m) => (m as { metadata?: { event_payload?: { key?: string } } }).metadata?.event_payload?.key === idempotencyKey);
    return found?.ts ? `${channel}:${found.ts}` : undefined;
  }

  /** Rewrites a message sent earlier (an invite after a reschedule); messageId is what send() returned. */
  async update(messageId: string, text: string, layout?: ChatLayout): Promise<void> {
    const [channel, ts] = messageId.split(':');
    await this.call(() => this.client.chat.update({ channel, ts, text, blocks: layout ? (toBlockKit(layout) as never) : undefined }));
  }

  private async directChannel(recipient: ChatRecipient): Promise<string> {
    const userId = recipient.chatUserId;
    if (!userId) throw new Error(`${recipient.email} has no Slack account linked`);
    let channel = this.channels.get(userId);
    if (!channel) {
      const opened = await this.call(() => this.client.conversations.open({ users: userId }));
      channel = opened.channel!.id!;
      this.channels.set(userId, channel);
    }
    return channel;
  }

  private async pace(channel: string): Promise<void> {
    const wait = (this.lastSent.get(channel) ?? 0) + CHANNEL_PACE_MS - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.lastSent.set(channel, Date.now());
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === ErrorCode.RateLimitedError) throw new ChatRateLimitedError((error as WebAPIRateLimitedError).retryAfter);
      const reason = code === ErrorCode.PlatformError ? (error as WebAPIPlatformError).data.error : undefined;
      if (reason && UNREACHABLE_RECIPIENT_ERRORS.has(reason)) throw new ChatRecipientUnreachableError(reason);
      throw error;
    }
  }
}
