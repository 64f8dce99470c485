import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context } from 'koa';
import { recordAudit, type AuditInput } from '../db/audit';
import type { AuthState } from './middleware/auth';

/** Records an act done through the API: the signed-in user (unless `actor` says otherwise), their IP, user agent and request id. */
export function auditRequest(ctx: Context, em: EntityManager, event: Pick<AuditInput, 'action' | 'target' | 'details'> & { actor?: AuditInput['actor'] }): Promise<void> {
  const actor = event.actor ?? (ctx.state as Partial<AuthState>).user;
  if (!actor) throw new Error(`audit ${event.action}: no signed-in user and no actor given`);
  return recordAudit(em, {
    ...event,
    actor,
    source: 'api',
    ip: ctx.ip,
    userAgent: ctx.get('user-agent') || null,
    requestId: (ctx.state as { requestId?: string }).requestId,
  });
}
