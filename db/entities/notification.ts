import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base';
import { User } from './user';

/**
 * pending: recorded, not tried; sending: an attempt holds the claim (until `claimedUntil`) or held it and may have
 * sent; sent; failed (for good, `deliveryError` says why).
 */
export const DELIVERY_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;

/**
 * A message to a user, and the record that makes its delivery exactly-once: the row is written first under a
 * deterministic idempotency key, then sent, then marked sent with the provider's message id.
 */
export const Notification = defineEntity({
  name: 'Notification',
  tableName: 'notifications',
  properties: {
    ...baseProperties,
    user: () => p.manyToOne(User).deleteRule('cascade'),
    type: p.string().length(50),
    title: p.string(),
    message: p.text(),
    data: p.json<Record<string, unknown>>().defaultRaw(`'{}'`),
    isRead: p.boolean().default(false),
    readAt: p.datetime().nullable(),
    actionUrl: p.text().nullable(),
    idempotencyKey: p.string().unique(),
    /** 'slack', 'email' or 'log' (the embedded default). */
    channel: p.string().length(20).default('log'),
    deliveryStatus: p.string().length(20).$type<(typeof DELIVERY_STATUSES)[number]>().default('pending'),
    providerMessageId: p.string().nullable(),
    sentAt: p.datetime().nullable(),
    deliveryError: p.text().nullable(),
    /** The attempt sending it now: claimed by compare-and-set, so two attempts never send side by side. */
    claimToken: p.uuid().nullable(),
    /** The claim's lease; the sender renews it while it sends, a crashed sender's claim lapses. */
    claimedUntil: p.datetime().nullable(),
  },
  indexes: [
    { properties: ['type'] },
    { properties: ['createdAt'] },
    { properties: ['user', 'isRead', 'createdAt'], name: 'notifications_user_unread_index' },
  ],
});

export type NotificationEntity = InferEntity<typeof Notification>;
