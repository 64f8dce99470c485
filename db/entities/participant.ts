import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base';
import { Room } from './room';
import { User } from './user';

export const Participant = defineEntity({
  name: 'Participant',
  tableName: 'participants',
  properties: {
    ...baseProperties,
    room: () => p.manyToOne(Room).deleteRule('cascade'),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    role: p.string().length(20).$type<'host' | 'participant' | 'guest'>().default('participant'),
    status: p.string().length(20).$type<'invited' | 'joined' | 'left'>().default('invited'),
    joinedAt: p.datetime().nullable(),
    leftAt: p.datetime().nullable(),
    /** Seconds spent in the room, summed over every join. */
    duration: p.integer().default(0),
    canShareScreen: p.boolean().default(true),
    isMuted: p.boolean().default(false),
  },
  uniques: [{ properties: ['room', 'user'], name: 'participants_room_user_unique' }],
  indexes: [{ properties: ['status'] }, { properties: ['user', 'status'] }],
});

export type ParticipantEntity = InferEntity<typeof Participant>;
