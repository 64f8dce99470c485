import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base';
import { User } from './user';

export const Session = defineEntity({
  name: 'Session',
  tableName: 'sessions',
  properties: {
    ...baseProperties,
    user: () => p.manyToOne(User).deleteRule('cascade').index(),
    /** SHA-256 of the bearer token; the token itself is never stored. */
    tokenHash: p.string().length(64).unique(),
    deviceInfo: p.json<Record<string, unknown>>().defaultRaw(`'{}'`),
    ipAddress: p.string().columnType('inet').nullable(),
    expiresAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
  },
  indexes: [{ properties: ['expiresAt'] }],
});

export type SessionEntity = InferEntity<typeof Session>;
