import { randomUUID } from 'node:crypto';
import { p } from '@mikro-orm/core';

/** Columns every table has: a uuid key (made by the app so upserts know it; by PostgreSQL for raw SQL) and timestamps. */
export const baseProperties = {
  id: p.uuid().primary().onCreate(() => randomUUID()).defaultRaw('gen_random_uuid()'),
  createdAt: p.datetime().onCreate(() => new Date()).defaultRaw('now()'),
  updatedAt: p
    .datetime()
    .onCreate(() => new Date())
    .onUpdate(() => new Date())
    .defaultRaw('now()'),
};

/** A PostgreSQL text[] column (the seed's tags). */
export const textArray = () => p.array().columnType('text[]').defaultRaw(`'{}'`);
