import type { EntityManager } from '@mikro-orm/postgresql';
import type { WebClient } from '@slack/web-api';
import { User, type UserEntity } from '../db/entities';
import { createSlackLinkCode, SLACK_LINK_TTL_MINUTES } from '../db/sessions';
import { UserFacingError } from './errors';

interface SlackProfile {
  email: string;
  name: string;
  timeZone: string;
  avatarUrl: string | null;
}

async function slackProfile(client: WebClient, slackId: string): Promise<SlackProfile> {
  const info = await client.users.info({ user: slackId });
  const profile = info.user?.profile;
  return {
    email: (profile?.email ?? `${slackId.toLowerCase()}@slack.meetflow.invalid`).toLowerCase(),
    name: profile?.real_name || info.user?.real_name || info.user?.name || slackId,
    timeZone: info.user?.tz ?? 'UTC',
    avatarUrl: profile?.image_192 ?? null,
  };
}

/**
 * Whether a Slack user with this account's email may take it over without asking its owner: only an account that
 * nobody can sign in to (no password, made from an invitation), is linked to no one else, and is no administrator's.
 * A Slack profile's email says little (a workspace may let people set any), and a linked Slack user may set the
 * account's password with `/meet link`.
 */
const linksAutomatically = (user: UserEntity) => !user.passwordHash && !user.oauthId && user.role !== 'admin';

async function linkToSlack(em: EntityManager, user: UserEntity, slackId: string, profile: SlackProfile): Promise<UserEntity> {
  user.oauthProvider = 'slack';
  user.oauthId = slackId;
  user.avatarUrl ??= profile.avatarUrl;
  user.notificationPreferences = { ...user.notificationPreferences, timeZone: profile.timeZone, slack: true };
  await em.flush();
  return user;
}

/**
 * The Meetflow user behind the Slack user who acts (types a command, presses a button), created on first contact
 * from users.info (name, email, avatar, time zone); oauth_provider 'slack' and oauth_id the Slack id. An account
 * that already has their email is linked only when it links automatically (above); else its owner must confirm
 * with the account's password (POST /auth/slack-link with the code told here), and until then nothing is done.
 */
export async function slackUser(em: EntityManager, client: WebClient, slackId: string): Promise<UserEntity> {
  const known = await em.findOne(User, { oauthProvider: 'slack', oauthId: slackId });
  if (known) return known;
  const profile = await slackProfile(client, slackId);
  const existing = await em.findOne(User, { email: profile.email });
  if (existing && !linksAutomatically(existing)) {
    if (existing.oauthId) throw new UserFacingError(`The Meetflow account of ${existing.email} is linked to another ${existing.oauthProvider} account: ask an administrator`);
    const code = await createSlackLinkCode(em, existing, slackId);
    throw new UserFacingError(
      `${existing.email} already has a Meetflow account, and an email in Slack is not enough to take it over. To use it from Slack, confirm it is yours: sign in with its password ` +
        `(\`POST /auth/login\`), then send \`POST /auth/slack-link\` with \`{"code": "${code}"}\` within ${SLACK_LINK_TTL_MINUTES} minutes. Until then I cannot act for you.`,
    );
  }
  return linkToSlack(em, existing ?? em.create(User, { email: profile.email, name: profile.name }), slackId, profile);
}

/**
 * The Meetflow user behind a Slack user someone else names (an invitee): linked as above when that is safe; an
 * account that needs its owner's confirmation is invited by its email, unlinked.
 */
export async function mentionedSlackUser(em: EntityManager, client: WebClient, slackId: string): Promise<UserEntity> {
  const known = await em.findOne(User, { oauthProvider: 'slack', oauthId: slackId });
  if (known) return known;
  const profile = await slackProfile(client, slackId);
  const existing = await em.findOne(User, { email: profile.email });
  if (existing && !linksAutomatically(existing)) return existing;
  return linkToSlack(em, existing ?? em.create(User, { email: profile.email, name: profile.name }), slackId, profile);
}

export const timeZoneOf = (user: UserEntity) => String(user.notificationPreferences.timeZone ?? 'UTC');
