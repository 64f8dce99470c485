import type { Context } from 'koa';
import { SESSION_TTL_DAYS, type LiveSession } from '../../db/sessions';
import type { ApiDeps } from '../deps';
import { findSession } from './auth';

/**
 * The pages' sign-in: the same sessions as the API's bearer tokens (db/sessions.ts), carried in a cookie that
 * scripts cannot read (HttpOnly), that other sites' forms and frames do not send (SameSite=Lax), and that only
 * travels over TLS when Meetflow is served over https.
 */
export const SESSION_COOKIE = 'meetflow_session';

function cookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return [`${SESSION_COOKIE}=${value}`, 'Path=/', `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : [])].join('; ');
}

const isHttps = (publicUrl: string) => publicUrl.startsWith('https:');

export function setSessionCookie(ctx: Context, token: string, publicUrl: string): void {
  ctx.append('Set-Cookie', cookie(token, SESSION_TTL_DAYS * 86_400, isHttps(publicUrl)));
}

export function clearSessionCookie(ctx: Context, publicUrl: string): void {
  ctx.append('Set-Cookie', cookie('', 0, isHttps(publicUrl)));
}

/** The live session of the request's cookie, with its (active) user; null when there is none. */
export async function cookieSession(deps: Pick<ApiDeps, 'orm' | 'sessions'>, ctx: Context): Promise<LiveSession | null> {
  const token = ctx.cookies.get(SESSION_COOKIE);
  if (!token || !/^[\w-]{20,100}$/.test(token)) return null;
  return findSession(deps, token);
}
