import type { MikroORM } from '@mikro-orm/postgresql';
import { Notification, User } from '../db/entities';
import { messageKeys } from './messages/keys';

export const SYSTEM_USER_EMAIL = 'system@meetflow.local';

export interface PingInput {
  workflowId: string;
  message: string;
}

export function createPingActivities(orm: MikroORM) {
  return {
    /** Writes one notification keyed by the workflow id: running it again finds the same row. */
    async recordPing({ workflowId, message }: PingInput): Promise<string> {
      const em = orm.em.fork();
      const system = await em.upsert(User, { email: SYSTEM_USER_EMAIL, name: 'Meetflow' }, { onConflictFields: ['email'], onConflictAction: 'merge', onConflictMergeFields: ['updatedAt'] });
      const notification = await em.upsert(
        Notification,
        {
          user: system,
          type: 'ping',
          title: 'ping',
          message,
          idempotencyKey: messageKeys.ping(workflowId),
          deliveryStatus: 'sent',
          sentAt: new Date(),
        },
        { onConflictFields: ['idempotencyKey'], onConflictAction: 'merge', onConflictMergeFields: ['updatedAt'] },
      );
      return notification.id;
    },
  };
}
