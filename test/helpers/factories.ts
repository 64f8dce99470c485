import type { EntityManager } from '@mikro-orm/postgresql';
import { randomBytes } from 'node:crypto';
import { Room, User, type RoomEntity, type UserEntity } from '../../db/entities';
import { unique } from './db';

/** Test data factories: each call makes rows that no other test shares. */
export async function createUser(em: EntityManager, overrides: Partial<UserEntity> = {}): Promise<UserEntity> {
  const user = em.create(User, { email: `${unique('user')}@example.test`, name: 'Test User', ...overrides });
  await em.flush();
  return user;
}

export async function createRoom(em: EntityManager, host: UserEntity, overrides: Partial<RoomEntity> = {}): Promise<RoomEntity> {
  const slug = unique('room');
  const room = em.create(Room, {
    host,
    name: 'Weekly sync',
    slug,
    livekitRoomName: `lk-${slug}`,
    scheduledStartTime: new Date(Date.now() + 3_600_000),
    ...overrides,
  });
  await em.flush();
  return room;
}

export const randomToken = () => randomBytes(16).toString('hex');
