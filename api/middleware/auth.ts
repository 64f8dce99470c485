import type { MikroORM } from '@mikro-orm/postgresql';
import type { Context, Middleware, Next } from 'koa';
import type { Person } from '../../db/entities';
import { findLiveSession, type LiveSession } from '../../db/sessions';
import { HttpError } from './errors';

export interface AuthState {
  user: Person;
  session: LiveSession;
}

/** Requires `Authorization: Bearer <token>` of a live session of an active user; puts both on ctx.state. */
export function requireAuth(orm: MikroORM): Middleware {
  return async (ctx: Context, next: Next) => {
    const header = ctx.get('authorization');
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) throw new HttpError(401, 'unauthenticated', 'Send your session token as "Authorization: Bearer <token>" (POST /auth/login gives one)');
    const session = await findLiveSession(orm.em, token);
    if (!session) throw new HttpError(401, 'unauthenticated', 'This session token is unknown, expired or revoked: log in again');
    ctx.state.user = session.user;
    ctx.state.session = session;
    await next();
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
