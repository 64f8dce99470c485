import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base';

export const USER_ROLES = ['user', 'admin'] as const;

export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    ...baseProperties,
    email: p.string().length(320).unique(),
    // Never serialized: the API answers with explicit views, not entities.
    passwordHash: p.string().nullable(),
    oauthProvider: p.string().length(50).nullable(),
    oauthId: p.string().nullable(),
    name: p.string(),
    avatarUrl: p.text().nullable(),
    role: p.string().length(20).$type<(typeof USER_ROLES)[number]>().default('user'),
    isActive: p.boolean().default(true),
    notificationPreferences: p.json<Record<string, unknown>>().defaultRaw(`'{}'`),
  },
  uniques: [{ properties: ['oauthProvider', 'oauthId'], name: 'users_oauth_provider_oauth_id_unique' }],
  indexes: [{ properties: ['createdAt'] }, { properties: ['role'] }],
});

export type UserEntity = InferEntity<typeof User>;

/** A user as plain values: who a request or command acts for, what policies and views read. A UserEntity is one too. */
export type Person = Pick<UserEntity, 'id' | 'email' | 'name' | 'avatarUrl' | 'role' | 'isActive' | 'oauthProvider' | 'oauthId' | 'notificationPreferences' | 'createdAt'>;
