import bcrypt from 'bcrypt';
import type { Context } from 'koa';
import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Session, User, type UserEntity } from '../../db/entities';
import { consumePasswordLink, consumeSlackLinkCode, createSession } from '../../db/sessions';
import type { ApiDeps } from '../deps';
import { auditRequest } from '../audit';
import { currentSession, currentUser, forgetSessionsOf } from '../middleware/auth';
import { HttpError } from '../middleware/errors';
import { rateLimit, RateLimiter } from '../middleware/rate-limit';
import type { RouteRegistry } from '../routing';
import { emailAddress } from '../schemas';
import { sessionView, userView } from '../views';

/** bcrypt reads only this many bytes of a password: a longer one is refused rather than silently cut. */
const BCRYPT_MAX_BYTES = 72;
// Compared against when the email is unknown, so both failures take as long as each other (one per cost).
const dummyHashes = new Map<number, Promise<string>>();
function dummyHash(cost: number): Promise<string> {
  if (!dummyHashes.has(cost)) dummyHashes.set(cost, bcrypt.hash('meetflow-no-such-user', cost));
  return dummyHashes.get(cost)!;
}

const email = emailAddress;
const password = z
  .string()
  .min(10, { error: 'must be at least 10 characters' })
  .max(200)
  .refine((value) => Buffer.byteLength(value, 'utf8') <= BCRYPT_MAX_BYTES, {
    error: `must be at most ${BCRYPT_MAX_BYTES} bytes in UTF-8 (72 plain letters, fewer with accents or emoji): longer passwords cannot be checked in full`,
  });

const register = { body: z.object({ email, password, name: z.string().trim().min(1).max(200) }) };
const login = { body: z.object({ email, password: z.string().min(1).max(200) }) };
const setPassword = { body: z.object({ token: z.string().min(20).max(100), password }) };
const slackLink = { body: z.object({ code: z.string().min(20).max(100) }) };
const sessionId = { params: z.object({ id: z.uuid({ error: 'must be a session id' }) }) };

const PASSWORD_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Set your Meetflow password</title></head>
<body style="font-family: sans-serif; max-width: 28rem; margin: 3rem auto">
<h1>Set your Meetflow password</h1>
<form id="f"><label>New password (10 characters or more)<br><input id="p" type="password" minlength="10" required style="width: 100%"></label>
<p><button>Set password</button></p></form><p id="m"></p>
<script>
document.getElementById('f').addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = new URLSearchParams(location.search).get('token');
  const response = await fetch('/auth/password', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, password: document.getElementById('p').value }) });
  const answer = await response.json();
  document.getElementById('m').textContent = response.ok ? 'Done: log in to the API with ' + answer.user.email + ' and this password.' : answer.detail;
});
</script></body></html>`;

/** Opens a session for this device and answers with the user and the token (shown this once). */
async function answerWithSession(ctx: Context, em: EntityManager, user: UserEntity): Promise<void> {
  const { token, session } = await createSession(em, user, deviceOf(ctx));
  ctx.body = { user: userView(user), token, expiresAt: session.expiresAt.toISOString() };
}

export interface PasswordSignIn {
  /** Per client IP, for every route that takes a password or a one-time link. */
  perIp: RateLimiter;
  /** The active user with this email and password; else a 429, 403 or 401 HttpError. Audited either way. */
  check(ctx: Context, email: string, password: string): Promise<UserEntity>;
}

/**
 * The one password check, shared by POST /auth/login and the sign-in page (POST /login), with its limits. Failures
 * are counted per email from one IP (a stranger elsewhere cannot lock the owner out) and, more loosely, per email
 * from everywhere (a spread-out guesser is slowed down too); a right password after failures from another IP works.
 */
export function passwordSignIn(deps: ApiDeps): PasswordSignIn {
  const failuresFromIp = new RateLimiter(deps.limits.loginPerEmail, 15 * 60_000);
  const failuresAnywhere = new RateLimiter(deps.limits.loginPerEmailAnyIp ?? 10 * deps.limits.loginPerEmail, 60 * 60_000);
  const perIp = new RateLimiter(deps.limits.loginPerIp, 15 * 60_000);
  const cost = deps.cfg.PASSWORD_HASH_COST;
  void dummyHash(cost); // made now, so the first unknown email does not take twice as long as the rest
  return {
    perIp,
    async check(ctx, rawEmail, password) {
      const email = rawEmail.trim().toLowerCase();
      const keys = [`email-ip:${email}:${ctx.ip}`, `email:${email}`] as const;
      const wait = failuresFromIp.waitFor(keys[0]) ?? failuresAnywhere.waitFor(keys[1]);
      if (wait) {
        ctx.set('Retry-After', String(wait));
        throw new HttpError(429, 'rate_limited', `Too many failed attempts for this account: try again in ${wait} s`);
      }
      const em = deps.orm.em;
      const user = await em.findOne(User, { email });
      const matches = await bcrypt.compare(password, user?.passwordHash ?? (await dummyHash(cost)));
      if (!user?.passwordHash || !matches || !user.isActive) {
        const reason = user?.passwordHash && matches ? 'account deactivated' : 'wrong email or password';
        if (!matches) {
          failuresFromIp.hit(keys[0]);
          failuresAnywhere.hit(keys[1]);
        }
        await auditRequest(ctx, em, { actor: user ?? { label: email }, action: 'auth.sign_in_failed', target: { type: 'user', id: user?.id }, details: { email, reason } });
        if (reason === 'account deactivated') throw new HttpError(403, 'account_disabled', 'This account is deactivated: ask an administrator');
        throw new HttpError(401, 'invalid_credentials', 'Email or password is wrong');
      }
      // Older, cheaper hashes are upgraded to the configured cost at the next sign-in.
      if (bcrypt.getRounds(user.passwordHash) < cost) {
        user.passwordHash = await bcrypt.hash(password, cost);
        await em.flush();
      }
      await auditRequest(ctx, em, { actor: user, action: 'auth.sign_in', target: { type: 'user', id: user.id }, details: { method: 'password' } });
      return user;
    },
  };
}

/** Ends every session and unused password link of this user (after a password change, before the new session). */
async function revokeSessions(em: EntityManager, user: UserEntity): Promise<number> {
  return em.nativeUpdate(Session, { user: user.id, revokedAt: null }, { revokedAt: new Date() });
}

export const deviceOf = (ctx: Context) => ({ userAgent: ctx.get('user-agent') || undefined, ip: ctx.ip || undefined });

export function authRoutes(routes: RouteRegistry, deps: ApiDeps, signIn: PasswordSignIn): void {
  const { perIp } = signIn;
  const registrations = new RateLimiter(deps.limits.registerPerIp ?? deps.limits.loginPerIp, 60 * 60_000);

  routes.add({
    method: 'post',
    path: '/auth/register',
    summary: 'Create an account (email + password) and get a session token; rate limited per IP',
    auth: false,
    schemas: register,
    status: 201,
    before: [rateLimit(registrations, (ctx) => [`ip:${ctx.ip}`])],
    handler: async (ctx, { body }) => {
      const em = deps.orm.em;
      const existing = await em.findOne(User, { email: body.email });
      if (existing?.passwordHash) throw new HttpError(409, 'email_taken', `An account with ${body.email} exists: log in instead`);
      if (existing) {
        throw new HttpError(409, 'email_taken', `${body.email} already has a Meetflow account (made from Slack or an invitation): set its password with the link from "/meet link" in Slack`);
      }
      const user = em.create(User, { email: body.email, name: body.name, passwordHash: await bcrypt.hash(body.password, deps.cfg.PASSWORD_HASH_COST) });
      await em.flush();
      await auditRequest(ctx, em, { actor: user, action: 'auth.register', target: { type: 'user', id: user.id } });
      await answerWithSession(ctx, em, user);
    },
  });

  routes.add({
    method: 'post',
    path: '/auth/login',
    summary: 'Log in with email and password; failures are limited per email and IP, per email, and per IP',
    auth: false,
    schemas: login,
    before: [rateLimit(perIp, (ctx) => [`ip:${ctx.ip}`])],
    handler: async (ctx, { body }) => {
      const user = await signIn.check(ctx, body.email, body.password);
      await answerWithSession(ctx, deps.orm.em, user);
    },
  });

  routes.add({
    method: 'post',
    path: '/auth/password',
    summary: 'Set a password with the one-time link from "/meet link" in Slack (and get a session token)',
    auth: false,
    schemas: setPassword,
    before: [rateLimit(perIp, (ctx) => [`ip:${ctx.ip}`])],
    handler: async (ctx, { body }) => {
      const em = deps.orm.em;
      const user = await consumePasswordLink(em, body.token);
      if (!user) throw new HttpError(410, 'gone', 'This link is unknown, used or expired: ask for a new one with "/meet link" in Slack');
      user.passwordHash = await bcrypt.hash(body.password, deps.cfg.PASSWORD_HASH_COST);
      await em.flush();
      const revoked = await revokeSessions(em, user);
      forgetSessionsOf(deps, user.id);
      await auditRequest(ctx, em, { actor: user, action: 'auth.password_set', target: { type: 'user', id: user.id }, details: { sessionsRevoked: revoked } });
      await answerWithSession(ctx, em, user);
    },
  });

  routes.add({
    method: 'post',
    path: '/auth/slack-link',
    summary: 'Link my Slack user to this account, with the code Slack showed me (an account with a password is never linked by email alone)',
    auth: true,
    schemas: slackLink,
    before: [rateLimit(perIp, (ctx) => [`ip:${ctx.ip}`])],
    handler: async (ctx, { body }) => {
      const em = deps.orm.em;
      const slackId = await consumeSlackLinkCode(em, currentUser(ctx), body.code);
      if (!slackId) throw new HttpError(410, 'gone', 'This code is unknown, used, expired or for another account: type any /meet command in Slack for a new one');
      const holder = await em.findOne(User, { oauthProvider: 'slack', oauthId: slackId });
      const user = await em.findOneOrFail(User, currentUser(ctx).id);
      if (holder && holder.id !== user.id) throw new HttpError(409, 'slack_user_taken', 'That Slack user is linked to another Meetflow account');
      user.oauthProvider = 'slack';
      user.oauthId = slackId;
      user.notificationPreferences = { ...user.notificationPreferences, slack: true };
      await em.flush();
      await auditRequest(ctx, em, { action: 'auth.slack_linked', target: { type: 'user', id: user.id }, details: { slackUserId: slackId } });
      ctx.body = { user: userView(user) };
    },
  });

  routes.add({
    method: 'get',
    path: '/auth/password',
    summary: 'The page behind the "/meet link" link: a form that posts to POST /auth/password',
    auth: false,
    handler: async (ctx) => {
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = PASSWORD_PAGE;
    },
  });

  routes.add({
    method: 'post',
    path: '/auth/logout',
    summary: 'Revoke the session of this token',
    auth: true,
    status: 204,
    handler: async (ctx) => {
      await deps.orm.em.nativeUpdate(Session, currentSession(ctx).id, { revokedAt: new Date() });
      await auditRequest(ctx, deps.orm.em, { action: 'session.revoke', target: { type: 'session', id: currentSession(ctx).id }, details: { how: 'logout' } });
      ctx.status = 204;
    },
  });

  routes.add({
    method: 'get',
    path: '/auth/me',
    summary: 'The user of this session',
    auth: true,
    handler: async (ctx) => {
      ctx.body = { user: userView(currentUser(ctx)) };
    },
  });

  routes.add({
    method: 'get',
    path: '/auth/sessions',
    summary: 'My live sessions (devices), the current one marked',
    auth: true,
    handler: async (ctx) => {
      const sessions = await deps.orm.em.find(Session, { user: currentUser(ctx).id, revokedAt: null, expiresAt: { $gt: new Date() } }, { orderBy: { createdAt: 'desc' } });
      ctx.body = { sessions: sessions.map((session) => sessionView(session, currentSession(ctx).id)) };
    },
  });

  routes.add({
    method: 'delete',
    path: '/auth/sessions/{id}',
    summary: 'Revoke one of my sessions (log a device out)',
    auth: true,
    schemas: sessionId,
    status: 204,
    handler: async (ctx, { params }) => {
      const revoked = await deps.orm.em.nativeUpdate(Session, { id: params.id, user: currentUser(ctx).id, revokedAt: null }, { revokedAt: new Date() });
      if (revoked === 0) throw new HttpError(404, 'not_found', `No live session ${params.id} of yours`);
      await auditRequest(ctx, deps.orm.em, { action: 'session.revoke', target: { type: 'session', id: params.id }, details: { how: 'revoked from another session' } });
      ctx.status = 204;
    },
  });
}
