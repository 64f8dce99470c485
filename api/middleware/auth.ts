import type { Context, Middleware, Next } from 'koa';
import type { Person } from '../../db/entities';
import { findLiveSession, type LiveSession } from '../../db/sessions';
import type { ApiDeps } from '../deps';
import { HttpError } from './errors';

type SessionDeps = Pick<ApiDeps, 'orm' | 'sessions'>;

/** The live session of a token, through this process's session cache when it runs one (api/main.ts). */
export function findSession(deps: SessionDeps, token: string): Promise<LiveSession | null> {
  return deps.sessions ? deps.sessions.find(deps.orm.em, token) : findLiveSession(deps.orm.em, token);
}

/** After this process changes a user's sessions or the user: its cache drops them now, not when PostgreSQL's notice comes. */
export function forgetSessionsOf(deps: SessionDeps, userId: string): void {
  deps.sessions?.forgetUser(userId);
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AuthState {
  user: Person;
  session: LiveSession;
}

/**
 * Requires `Authorization: Bearer <token>` of a live session of an active user; puts both on ctx.state. After a request
 * that may change things (not a read), the user's cached sessions are dropped: a logout, a revoked device or a linked
 * Slack account shows in this user's very next request.
 */
export function requireAuth(deps: SessionDeps): Middleware {
  return async (ctx: Context, next: Next) => {
    const header = ctx.get('authorization');
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) throw new HttpError(401, 'unauthenticated', 'Send your session token as "Authorization: Bearer <token>" (POST /auth/login gives one)');
    const session = await findSession(deps, token);
    if (!session) throw new HttpError(401, 'unauthenticated', 'This session token is unknown, expired or revoked: log in again');
    ctx.state.user = session.user;
    ctx.state.session = session;
    try {
      await next();
    } finally {
      if (!READS.has(ctx.method)) forgetSessionsOf(deps, session.user.id);
    }
  };
}

export function requireAdmin(): Middleware {
  return async (ctx: Context, next: Next) => {
    if ((ctx.state as AuthState).user.role !== 'admin') throw new HttpError(403, 'forbidden', 'Only administrators can do this');
    await next();
  };
}

export const currentUser = (ctx: Context): Person => (ctx.state as AuthState).user;
export const currentSession = (ctx: Context): LiveSession => (ctx.state as AuthState).session;
