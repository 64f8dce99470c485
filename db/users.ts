import type { EntityManager } from '@mikro-orm/postgresql';
import { User, type UserEntity } from './entities';

const nameFromEmail = (email: string) =>
  email
    .split('@')[0]
    .split(/[._-]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join(' ');

/** RFC 5321's limit on an address in a mail path (the users and room_invitations columns hold 320). */
export const EMAIL_MAX = 254;

/** An address Meetflow can store and mail: at most EMAIL_MAX characters, one @, no spaces or control characters. */
export function isStorableEmail(email: string): boolean {
  const address = email.trim();
  return address.length <= EMAIL_MAX && /^[^\s@]+@[^\s@]+$/.test(address) && ![...address].some((char) => char.charCodeAt(0) < 0x20);
}

/** The user with this email, created on first sight (an invitee who has never used Meetflow). */
export async function findOrCreateUserByEmail(em: EntityManager, email: string, name?: string): Promise<UserEntity> {
  const normalized = email.trim().toLowerCase();
  await em
    .createQueryBuilder(User)
    .insert({ email: normalized, name: name?.trim() || nameFromEmail(normalized) })
    .onConflict('email')
    .ignore()
    .execute();
  return em.findOneOrFail(User, { email: normalized });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The user behind a video participant identity: a Meetflow user id, an email, or else a guest made from it. */
export async function userForIdentity(em: EntityManager, identity: string, name?: string): Promise<UserEntity> {
  if (UUID.test(identity)) {
    const user = await em.findOne(User, identity);
    if (user) return user;
  }
  if (identity.includes('@')) return findOrCreateUserByEmail(em, identity, name);
  const slug = identity.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'guest';
  return findOrCreateUserByEmail(em, `${slug}@guests.meetflow.invalid`, name ?? identity);
}
