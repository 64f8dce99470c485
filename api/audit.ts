import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context } from 'koa';
import { audit, type Actor } from '../commands/types';
import type { AuditInput } from '../db/audit';
import type { Person } from '../db/entities';
import { recordAudit } from '../db/audit';
import type { AuthState } from './middleware/auth';

/** The signed-in person of this request, as commands know them: with their IP, user agent and request id. */
export function apiActor(ctx: Context): Actor & { kind: 'person' } {
  const user = (ctx.state as Partial<AuthState>).user;
  if (!user) throw new Error('apiActor: the route has no signed-in user (auth: true is missing)');
  return personActor(ctx, user);
}

/** A person acting through this request (a page signed in by cookie, or the API by token). */
export function personActor(ctx: Context, user: Person): Actor & { kind: 'person' } {
  return { kind: 'person', user, source: 'api', ip: ctx.ip, userAgent: ctx.get('user-agent') || null, requestId: (ctx.state as { requestId?: string }).requestId };
}

/** Records an act done through the API: the signed-in user (unless `actor` says otherwise), their IP, user agent and request id. */
export function auditRequest(ctx: Context, em: EntityManager, event: Pick<AuditInput, 'action' | 'target' | 'details'> & { actor?: AuditInput['actor'] }): Promise<void> {
  if (!event.actor) return audit(em, apiActor(ctx), event);
  return recordAudit(em, { ...event, actor: event.actor, source: 'api', ip: ctx.ip, userAgent: ctx.get('user-agent') || null, requestId: (ctx.state as { requestId?: string }).requestId });
}
