import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { Notification, type NotificationEntity, type UserEntity } from '../db/entities';
import type { ChatProvider, ChatRecipient } from '../integrations/chat/types';
import type { MailProvider } from '../integrations/mail/types';
import type { ActivityContext } from './context';
import { messageKeys } from './messages/keys';
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
 * Sends one message at most once per attempt and once overall as far as the provider lets us tell (README:
 * "Exactly-once delivery"): the notifications row is written first under the message's key; a row already
 * `sent` or `failed` is not sent again; an attempt sends only after it claimed the row by compare-and-set, and
 * keeps its claim (and the activity's heartbeat) alive while the provider is slow; a claim left by a crashed
 * attempt lapses, and the next attempt asks the provider whether that one went out before trying again.
 * A recipient the chat platform refuses for good gets the email version instead, where the message has one.
 * Each outcome is counted (`meetflow_deliveries`) and logged with the message key.
 */
export async function deliverOnce(em: EntityManager, message: OutgoingMessage, ctx: DeliveryContext): Promise<DeliveryResult> {
  const metrics = ctx.metrics ?? noMetrics;
  let channel: string | undefined;
  try {
    channel = chooseChannel(message, ctx.providers.chat);
    let result = await settle(em, message, channel, ctx.providers.chat, ctx.providers.mail);
    const fallback = result.status === 'failed' && channel !== 'email' ? emailFallback(message) : undefined;
    if (fallback) {
      logOutcome(ctx, message, result);
      channel = 'email';
      result = await settle(em, fallback, channel, ctx.providers.chat, ctx.providers.mail);
    }
    logOutcome(ctx, fallback ?? message, result);
    return result;
  } catch (error) {
    const outcome = (error as { nonRetryable?: boolean }).nonRetryable ? 'unreachable' : 'retry';
    // No channel: nobody can reach this person (chooseChannel refused).
    metrics.delivery(channel ?? 'none', outcome);
    ctx.log.warn({ key: message.key, type: message.type, userId: message.user.id, channel, outcome, err: error }, 'message delivery');
    throw error;
  }
}

function logOutcome(ctx: DeliveryContext, message: OutgoingMessage, result: DeliveryResult): void {
  (ctx.metrics ?? noMetrics).delivery(result.channel, result.status);
  ctx.log[result.status === 'failed' ? 'warn' : 'info']({ key: message.key, type: message.type, userId: message.user.id, channel: result.channel, outcome: result.status }, 'message delivery');
}

/** The email copy of a chat message the platform refused for good, under a key of its own (none for chat-only messages). */
function emailFallback(message: OutgoingMessage): OutgoingMessage | undefined {
  if (message.channel !== 'chat-or-email' || !message.email) return undefined;
  return { ...message, key: messageKeys.emailFallback(message.key), channel: 'email', replaces: undefined };
}

/** How long a claim holds without renewal: far beyond one renewal period, so only a dead sender loses it. */
const CLAIM_LEASE_SECONDS = 30;
/** How often a sender renews its claim and heartbeats the activity while the provider works. */
const RENEW_EVERY_MS = 5_000;

async function settle(em: EntityManager, message: OutgoingMessage, channel: string, chat: ChatProvider, mail: MailProvider): Promise<DeliveryResult> {
  const row = await recordIntent(em, message, channel);
  if (row.deliveryStatus === 'sent' || row.deliveryStatus === 'failed') {
    return { key: message.key, channel: row.channel, status: row.deliveryStatus === 'sent' ? 'already-sent' : 'failed', providerMessageId: row.providerMessageId ?? '' };
  }
  const claim = await claimRow(em, row);
  if (!claim) {
    throw ApplicationFailure.create({ message: `${message.key} is being sent by another attempt`, type: 'DeliveryInProgress', nextRetryDelay: '10s' });
  }
  const outcome = await withRenewedClaim(em, claim, async (signal) => {
    // A claim that lapsed (a crashed attempt) may have sent: ask the provider where it can tell.
    const earlier = row.deliveryStatus === 'sending' ? await findEarlierSend(message, channel, chat, mail) : undefined;
    return { earlier, providerMessageId: earlier ?? (await send(message, channel, chat, mail, signal)) };
  }).catch(async (error: unknown) => {
    if (!isPermanent(error)) {
      await releaseClaim(em, claim);
      return asTemporalFailure(error);
    }
    await finishClaim(em, claim, { deliveryStatus: 'failed', deliveryError: failureReason(error) });
    return undefined;
  });
  if (!outcome) return { key: message.key, channel: row.channel, status: 'failed', providerMessageId: '' };
  await finishClaim(em, claim, { deliveryStatus: 'sent', providerMessageId: outcome.providerMessageId, sentAt: new Date(), deliveryError: null });
  return { key: message.key, channel: row.channel, status: outcome.earlier ? 'already-sent' : 'sent', providerMessageId: outcome.providerMessageId };
}

interface Claim {
  id: string;
  token: string;
}

/**
 * Takes the row for this attempt if it is still as it was read: pending, or `sending` with a lapsed lease (or
 * none: rows from before claims). Whoever loses the race gets nothing and must not send.
 */
async function claimRow(em: EntityManager, row: NotificationEntity): Promise<Claim | undefined> {
  const token = randomUUID();
  const claimable = row.deliveryStatus === 'pending' ? `delivery_status = 'pending'` : `delivery_status = 'sending' and (claimed_until is null or claimed_until < now())`;
  const claimed = await em.execute<{ id: string }[]>(
    `update notifications set delivery_status = 'sending', claim_token = ?, claimed_until = now() + make_interval(secs => ?), updated_at = now()
     where id = ? and ${claimable} returning id`,
    [token, CLAIM_LEASE_SECONDS, row.id],
  );
  return claimed.length ? { id: row.id, token } : undefined;
}

/**
 * Runs a send while renewing the claim and heartbeating the activity (a slow SMTP server outlasts the heartbeat
 * timeout otherwise). The send is aborted when the activity is cancelled or the claim was lost.
 */
async function withRenewedClaim<T>(em: EntityManager, claim: Claim, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const activity = activityContext();
  const lost = new AbortController();
  const signal = activity ? AbortSignal.any([lost.signal, activity.cancellationSignal]) : lost.signal;
  signal.throwIfAborted();
  const timer = setInterval(() => {
    activity?.heartbeat();
    renewClaim(em, claim).then(
      (held) => held || lost.abort(new Error('the delivery claim lapsed and another attempt took it over')),
      () => undefined, // a failed renewal is tried again at the next tick; the lease outlasts several
    );
  }, RENEW_EVERY_MS);
  try {
    return await work(signal);
  } finally {
    clearInterval(timer);
  }
}

const activityContext = (): Context | undefined => {
  try {
    return Context.current();
  } catch {
    return undefined; // not inside an activity (a script, a unit test)
  }
};

async function renewClaim(em: EntityManager, claim: Claim): Promise<boolean> {
  const renewed = await em.execute<{ id: string }[]>(
    `update notifications set claimed_until = now() + make_interval(secs => ?) where id = ? and claim_token = ? and delivery_status = 'sending' returning id`,
    [CLAIM_LEASE_SECONDS, claim.id, claim.token],
  );
  return renewed.length > 0;
}

/** A retryable failure gives the claim back at once: the next attempt need not wait for the lease. */
async function releaseClaim(em: EntityManager, claim: Claim): Promise<void> {
  await em.nativeUpdate(Notification, { id: claim.id, claimToken: claim.token }, { claimedUntil: new Date(0) });
}

/** The outcome of a send is written whatever happened to the claim meanwhile: a message that went out is sent. */
async function finishClaim(em: EntityManager, claim: Claim, outcome: Partial<Pick<NotificationEntity, 'deliveryStatus' | 'providerMessageId' | 'sentAt' | 'deliveryError'>>): Promise<void> {
  await em.nativeUpdate(Notification, { id: claim.id, deliveryStatus: { $ne: 'sent' } }, { ...outcome, claimToken: null, claimedUntil: null });
}

/** What the provider said, for the row (e.g. Slack's `user_not_found`). */
const failureReason = (error: unknown) => (error as { reason?: string }).reason ?? (error as Error).message;

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

async function send(message: OutgoingMessage, channel: string, chat: ChatProvider, mail: MailProvider, signal: AbortSignal): Promise<string> {
  if (channel === 'email') {
    const email = message.email ?? { subject: message.title, text: message.text };
    return (await mail.send({ ...email, to: { name: message.user.name, email: message.user.email }, idempotencyKey: message.key, signal })).messageId;
  }
  signal.throwIfAborted();
  if (message.replaces && chat.update) {
    await chat.update(message.replaces, message.text, message.layout);
    return message.replaces;
  }
  return (await chat.send({ to: recipientOf(message.user), text: message.text, layout: message.layout, idempotencyKey: message.key })).messageId;
}
