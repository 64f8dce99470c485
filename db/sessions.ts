import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash, randomBytes } from 'node:crypto';
import { Session, type SessionEntity, type UserEntity } from './entities';

export const SESSION_TTL_DAYS = 30;

/** Only the SHA-256 of a bearer token is stored: a database leak does not leak sessions. */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createSession(
  em: EntityManager,
  user: UserEntity,
  device: { userAgent?: string; ip?: string },
): Promise<{ token: string; session: SessionEntity }> {
  const token = randomBytes(32).toString('base64url');
  const session = em.create(Session, {
    user,
    tokenHash: hashToken(token),
    deviceInfo: device.userAgent ? { userAgent: device.userAgent } : {},
    ipAddress: device.ip ?? null,
    expiresAt: new Date(Date.now() + SESSION_TTL_DAYS * 86_400_000),
  });
  await em.flush();
  return { token, session };
}

/** The live session of a bearer token (not expired, not revoked), with its user. */
export async function findLiveSession(em: EntityManager, token: string): Promise<SessionEntity | null> {
  return em.findOne(Session, { tokenHash: hashToken(token), revokedAt: null, expiresAt: { $gt: new Date() } }, { populate: ['user'] });
}
