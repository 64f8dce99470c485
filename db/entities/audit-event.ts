import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { User } from './user';

/**
 * One security-relevant act (the seed's security notes): who did what to which thing, when, from where.
 * Append-only: rows are never updated. The actor's label is copied so the row still says who it was after
 * the user is deleted (the foreign key is then set to null).
 */
export const AuditEvent = defineEntity({
  name: 'AuditEvent',
  tableName: 'audit_events',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()).defaultRaw('gen_random_uuid()'),
    occurredAt: p.datetime().onCreate(() => new Date()).defaultRaw('now()'),
    actor: () => p.manyToOne(User).nullable().deleteRule('set null'),
    /** The actor's email, or "system" / "cli:<os user>" for acts without a signed-in user. */
    actorLabel: p.string().length(320),
    /** Dotted verb, e.g. `auth.sign_in`, `meeting.cancel`, `transcript.read` (see AUDIT_ACTIONS). */
    action: p.string().length(50),
    targetType: p.string().length(30),
    targetId: p.string().length(255).nullable(),
    /** api, slack, cli or worker. */
    source: p.string().length(20),
    ipAddress: p.string().columnType('inet').nullable(),
    userAgent: p.text().nullable(),
    requestId: p.string().length(128).nullable(),
    details: p.json<Record<string, unknown>>().defaultRaw(`'{}'`),
  },
  indexes: [
    { properties: ['occurredAt'] },
    { properties: ['actor', 'occurredAt'] },
    { properties: ['targetType', 'targetId'] },
    { properties: ['action', 'occurredAt'] },
  ],
});

export type AuditEventEntity = InferEntity<typeof AuditEvent>;
