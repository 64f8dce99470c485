import type { EntityManager } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/common';
import { Notification, type NotificationEntity, type UserEntity } from '../db/entities';
import type { ChatProvider, ChatRecipient } from '../integrations/chat/types';
import type { MailProvider } from '../integrations/mail/types';
import type { ActivityContext } from './context';
import type { OutgoingMessage } from './messages/types';
import { noMetrics } from './metrics';

export type { OutgoingMessage } from './messages/types';

export interface DeliveryResult {
  key: string;
  channel: 'slack' | 'log' | 'email' | string;
  /** failed: the provider refused it for good (e.g. an unknown mailbox); the row says why. */
  status: 'sent' | 'already-sent' | 'failed';
  providerMessageId: string;
}

export const recipientOf = (user: UserEntity): ChatRecipient => ({
  userId: user.id,
  name: user.name,
  email: user.email,
  chatUserId: user.oauthProvider === 'slack' ? (user.oauthId ?? undefined) : undefined,
});

export type DeliveryContext = Pick<ActivityContext, 'providers' | 'log' | 'metrics'>;

/**
 * Sends one message exactly once, however often the activity runs: the notifications row is written first
 * under the message's key; a row already `sent` is not sent again; a row left `sending` by a crashed attempt
 * asks the provider whether that attempt went out before trying again. Each outcome is counted
 * (`meetflow_deliveries`) and logged with the message key.
 */
export async function deliverOnce(em: EntityManager, message: OutgoingMessage, ctx: DeliveryContext): Promise<DeliveryResult> {
  const metrics = ctx.metrics ?? noMetrics;
  let channel: string | undefined;
  try {
    channel = chooseChannel(message, ctx.providers.chat);
    const result = await settle(em, message, channel, ctx.providers.chat, ctx.providers.mail);
    metrics.delivery(result.channel, result.status);
    ctx.log[result.status === 'failed' ? 'warn' : 'info']({ key: message.key, type: message.type, userId: message.user.id, channel: result.channel, outcome: result.status }, 'message delivery');
    return result;
  } catch (error) {
    const outcome = (error as { nonRetryable?: boolean }).nonRetryable ? 'unreachable' : 'retry';
    // No channel: nobody can reach this person (chooseChannel refused).
    metrics.delivery(channel ?? 'none', outcome);
    ctx.log.warn({ key: message.key, type: message.type, userId: message.user.id, channel, outcome, err: error }, 'message delivery');
    throw error;
  }
}

async function settle(em: EntityManager, message: OutgoingMessage, channel: string, chat: ChatProvider, mail: MailProvider): Promise<DeliveryResult> {
  const row = await recordIntent(em, message, channel);
  if (row.deliveryStatus === 'sent' || row.deliveryStatus === 'failed') {
    return { key: message.key, channel: row.channel, status: row.deliveryStatus === 'sent' ? 'already-sent' : 'failed', providerMessageId: row.providerMessageId ?? '' };
  }
  const earlier = row.deliveryStatus === 'sending' ? await findEarlierSend(message, channel, chat, mail).catch(asTemporalFailure) : undefined;
  let providerMessageId = earlier;
  if (!providerMessageId) {
    row.deliveryStatus = 'sending';
    await em.flush();
    try {
      providerMessageId = await send(message, channel, chat, mail);
    } catch (error) {
      if (!isPermanent(error)) return asTemporalFailure(error);
      row.deliveryStatus = 'failed';
      row.deliveryError = (error as Error).message;
      await em.flush();
      return { key: message.key, channel: row.channel, status: 'failed', providerMessageId: '' };
    }
  }
  row.deliveryStatus = 'sent';
  row.providerMessageId = providerMessageId;
  row.sentAt = new Date();
  row.deliveryError = null;
  await em.flush();
  return { key: message.key, channel: row.channel, status: earlier ? 'already-sent' : 'sent', providerMessageId };
}

/** A provider's "never" (an unknown mailbox): retrying cannot help. */
const isPermanent = (error: unknown) => (error as { nonRetryable?: boolean }).nonRetryable === true;

/** Rate limits become a Temporal retry after the provider's Retry-After; anything else is rethrown as it is. */
function asTemporalFailure(error: unknown): never {
  const retryAfter = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
  if (typeof retryAfter === 'number') {
    throw ApplicationFailure.create({ message: (error as Error).message, type: 'RateLimited', nextRetryDelay: `${Math.max(1, retryAfter)}s` });
  }
  throw error;
}

function chooseChannel(message: OutgoingMessage, chat: ChatProvider): string {
  if (message.channel === 'email') return 'email';
  if (chat.canReach(recipientOf(message.user))) return chat.name;
  if (message.channel === 'chat-or-email' && message.email) return 'email';
  throw ApplicationFailure.nonRetryable(`${message.user.email} cannot be reached by ${chat.name} and the message has no email version`, 'Unreachable');
}

async function recordIntent(em: EntityManager, message: OutgoingMessage, channel: string): Promise<NotificationEntity> {
  await em
    .createQueryBuilder(Notification)
    .insert({
      user: message.user.id,
      type: message.type,
      title: message.title,
      message: message.text,
      data: message.data ?? {},
      actionUrl: message.actionUrl,
      idempotencyKey: message.key,
      channel,
    })
    .onConflict('idempotency_key')
    .ignore()
    .execute();
  return em.findOneOrFail(Notification, { idempotencyKey: message.key }, { refresh: true });
}

async function findEarlierSend(message: OutgoingMessage, channel: string, chat: ChatProvider, mail: MailProvider): Promise<string | undefined> {
  if (channel === 'email') return mail.findSent?.(message.key);
  return chat.findSent?.(message.key, recipientOf(message.user));
}

async function send(message: OutgoingMessage, channel: string, chat: ChatProvider, mail: MailProvider): Promise<string> {
  if (channel === 'email') {
    const email = message.email ?? { subject: message.title, text: message.text };
    return (await mail.send({ ...email, to: { name: message.user.name, email: message.user.email }, idempotencyKey: message.key })).messageId;
  }
  if (message.replaces && chat.update) {
    await chat.update(message.replaces, message.text, message.layout);
    return message.replaces;
  }
  return (await chat.send({ to: recipientOf(message.user), text: message.text, layout: message.layout, idempotencyKey: message.key })).messageId;
}
