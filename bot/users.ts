import type { EntityManager } from '@mikro-orm/postgresql';
import type { WebClient } from '@slack/web-api';
import { User, type UserEntity } from '../db/entities';

/**
 * The Meetflow user behind a Slack user, created on first contact from users.info (name, email, avatar, time
 * zone); oauth_provider 'slack' and oauth_id the Slack id. A user who already exists by email is linked.
 */
export async function slackUser(em: EntityManager, client: WebClient, slackId: string): Promise<UserEntity> {
  const known = await em.findOne(User, { oauthProvider: 'slack', oauthId: slackId });
  if (known) return known;
  const info = await client.users.info({ user: slackId });
  const profile = info.user?.profile;
  const email = (profile?.email ?? `${slackId.toLowerCase()}@slack.meetflow.invalid`).toLowerCase();
  const name = profile?.real_name || info.user?.real_name || info.user?.name || slackId;
  const timeZone = info.user?.tz ?? 'UTC';
  const existing = await em.findOne(User, { email });
  const user = existing ?? em.create(User, { email, name });
  user.oauthProvider = 'slack';
  user.oauthId = slackId;
  user.avatarUrl ??= profile?.image_192 ?? null;
  user.notificationPreferences = { ...user.notificationPreferences, timeZone, slack: true };
  await em.flush();
  return user;
}

export const timeZoneOf = (user: UserEntity) => String(user.notificationPreferences.timeZone ?? 'UTC');
