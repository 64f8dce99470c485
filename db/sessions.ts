import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash, randomBytes } from 'node:crypto';
import { Session, type Person, type SessionEntity, type UserEntity } from './entities';
import { readPrepared, type PreparedRead } from './prepared';

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

/** A session row that is a one-time "set your password" link, not a login. */
export const PASSWORD_LINK = 'password_link';
export const PASSWORD_LINK_TTL_MINUTES = 30;

export interface LiveSession {
  id: string;
  user: Person;
  expiresAt: Date;
}

/**
 * The live session of a bearer token (not expired, not revoked, not a one-time link or code, of an active user), as
 * plain values: nothing on the hot path builds entities (that was a sixth of a GET's CPU, bench/api, December 2026).
 * A route or command that changes the user loads it (POST /auth/slack-link).
 */
export function findLiveSession(em: EntityManager, token: string): Promise<LiveSession | null> {
  return findLiveSessionByHash(em, hashToken(token));
}

/** The same, for a caller that already has the token's hash (the session cache keys by it). */
export async function findLiveSessionByHash(em: EntityManager, tokenHash: string): Promise<LiveSession | null> {
  const [row] = await readPrepared<LiveSessionRow>(em, LIVE_SESSION, [tokenHash, new Date()]);
  if (!row) return null;
  const user: Person = {
    id: row.user_id,
    email: row.email,
    name: row.name,
    avatarUrl: row.avatar_url,
    role: row.role,
    isActive: row.is_active,
    oauthProvider: row.oauth_provider,
    oauthId: row.oauth_id,
    notificationPreferences: row.notification_preferences,
    // The ORM's pool leaves timestamps as text (its own hydration parses them).
    createdAt: new Date(row.created_at),
  };
  return { id: row.id, user, expiresAt: new Date(row.expires_at) };
}

interface LiveSessionRow {
  id: string;
  expires_at: string;
  user_id: string;
  email: string;
  name: string;
  avatar_url: string | null;
  role: Person['role'];
  is_active: boolean;
  oauth_provider: string | null;
  oauth_id: string | null;
  notification_preferences: Record<string, unknown>;
  created_at: string;
}

/** Every authenticated request runs this: a prepared statement, the session with its user in one round trip. */
const LIVE_SESSION: PreparedRead = {
  name: 'live-session-active-person-expiry',
  text: `select s.id, s.expires_at, u.id as user_id, u.email, u.name, u.avatar_url, u.role, u.is_active, u.oauth_provider, u.oauth_id, u.notification_preferences, u.created_at
           from sessions s join users u on u.id = s.user_id
          where s.token_hash = $1 and s.revoked_at is null and s.expires_at > $2 and s.device_info->>'purpose' is null and u.is_active`,
};

/**
 * A one-time link for someone who came from Slack to set a password for the API: a random token, stored
 * hashed like a session (marked as a link, so it never authenticates a request), valid 30 minutes.
 */
export async function createPasswordLink(em: EntityManager, user: UserEntity): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  em.create(Session, { user, tokenHash: hashToken(token), deviceInfo: { purpose: PASSWORD_LINK }, expiresAt: new Date(Date.now() + PASSWORD_LINK_TTL_MINUTES * 60_000) });
  await em.flush();
  return token;
}

/** Uses a password link once: returns its user, or null when it is unknown, used or expired. */
export async function consumePasswordLink(em: EntityManager, token: string): Promise<UserEntity | null> {
  const link = await em.findOne(Session, { tokenHash: hashToken(token), revokedAt: null, expiresAt: { $gt: new Date() } }, { populate: ['user'] });
  if (!link || link.deviceInfo.purpose !== PASSWORD_LINK) return null;
  link.revokedAt = new Date();
  await em.flush();
  return link.user;
}

/** A session row that is a one-time code to link a Slack user to an account that has a password. */
export const SLACK_LINK = 'slack_link';
export const SLACK_LINK_TTL_MINUTES = 30;

/**
 * A code the owner of `user` sends, signed in with the account's password, to link the Slack user `slackId` to it
 * (POST /auth/slack-link): stored hashed like a session, marked as a link, valid 30 minutes.
 */
export async function createSlackLinkCode(em: EntityManager, user: UserEntity, slackId: string): Promise<string> {
  const code = randomBytes(18).toString('base64url');
  em.create(Session, { user, tokenHash: hashToken(code), deviceInfo: { purpose: SLACK_LINK, slackUserId: slackId }, expiresAt: new Date(Date.now() + SLACK_LINK_TTL_MINUTES * 60_000) });
  await em.flush();
  return code;
}

/** Uses a Slack link code of this user once: the Slack user id it links, or null when unknown, used, expired or another's. */
export async function consumeSlackLinkCode(em: EntityManager, user: Pick<Person, 'id'>, code: string): Promise<string | null> {
  const link = await em.findOne(Session, { tokenHash: hashToken(code), user: user.id, revokedAt: null, expiresAt: { $gt: new Date() } });
  if (!link || link.deviceInfo.purpose !== SLACK_LINK) return null;
  link.revokedAt = new Date();
  await em.flush();
  return String(link.deviceInfo.slackUserId);
}
