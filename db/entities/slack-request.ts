import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base';

/**
 * A Slack request already handled, by its delivery key (event id, trigger id or signature): a replayed or
 * redelivered request finds its key here and changes nothing. Rows older than an hour are useless (Slack's
 * signature only holds for ±5 minutes) and are deleted as new ones come in (bot/replay.ts).
 */
export const SlackRequest = defineEntity({
  name: 'SlackRequest',
  tableName: 'slack_requests',
  properties: {
    ...baseProperties,
    deliveryKey: p.string().length(300).unique(),
  },
  indexes: [{ properties: ['createdAt'] }],
});

export type SlackRequestEntity = InferEntity<typeof SlackRequest>;
