import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base';
import { Room } from './room';
import { User } from './user';

export const INVITATION_STATUSES = ['pending', 'accepted', 'declined', 'expired', 'cancelled'] as const;

export const RoomInvitation = defineEntity({
  name: 'RoomInvitation',
  tableName: 'room_invitations',
  properties: {
    ...baseProperties,
    room: () => p.manyToOne(Room).deleteRule('cascade'),
    inviter: () => p.manyToOne(User).deleteRule('cascade').index(),
    invitee: () => p.manyToOne(User).nullable().deleteRule('set null').index(),
    inviteeEmail: p.string().length(320),
    token: p.string().length(64).unique(),
    status: p.string().length(20).$type<(typeof INVITATION_STATUSES)[number]>().default('pending'),
    expiresAt: p.datetime(),
  },
  uniques: [{ properties: ['room', 'inviteeEmail'], name: 'room_invitations_room_email_unique' }],
  indexes: [{ properties: ['status'] }, { properties: ['inviteeEmail'] }, { properties: ['expiresAt'] }],
});

export type RoomInvitationEntity = InferEntity<typeof RoomInvitation>;
