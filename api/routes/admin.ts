import { z } from 'zod';
import { AUDIT_ACTIONS } from '../../db/audit';
import { AuditEvent, type AuditEventEntity } from '../../db/entities';
import type { ApiDeps } from '../deps';
import { auditRequest } from '../audit';
import { HttpError } from '../middleware/errors';
import type { RouteRegistry } from '../routing';
import { CURSOR_HELP, decodeCursorJson, isoDateTime, isSaneTime, UUID } from '../schemas';

const auditQuery = {
  query: z.object({
    actor: z.uuid({ error: 'actor must be a user id' }).optional(),
    action: z.enum(AUDIT_ACTIONS).optional(),
    targetType: z.string().max(30).optional(),
    targetId: z.string().max(255).optional(),
    from: isoDateTime('from').optional(),
    to: isoDateTime('to').optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().optional(),
  }),
};

const eventView = (event: AuditEventEntity) => ({
  id: event.id,
  at: event.occurredAt.toISOString(),
  actor: { id: event.actor?.id ?? null, label: event.actorLabel },
  action: event.action,
  target: { type: event.targetType, id: event.targetId ?? null },
  source: event.source,
  ip: event.ipAddress ?? null,
  userAgent: event.userAgent ?? null,
  requestId: event.requestId ?? null,
  details: event.details,
});

const encodeCursor = (event: AuditEventEntity) => Buffer.from(JSON.stringify([event.occurredAt.toISOString(), event.id])).toString('base64url');
function decodeCursor(cursor: string): { at: Date; id: string } {
  const parsed = decodeCursorJson(cursor);
  const [at, id] = Array.isArray(parsed) ? (parsed as unknown[]) : [];
  if (typeof at === 'string' && isSaneTime(Date.parse(at)) && typeof id === 'string' && UUID.test(id)) return { at: new Date(at), id };
  throw new HttpError(400, 'validation_error', `query.cursor: ${CURSOR_HELP}`, { errors: [{ field: 'query.cursor', message: CURSOR_HELP }] });
}

export function adminRoutes(routes: RouteRegistry, deps: ApiDeps): void {
  routes.add({
    method: 'get',
    path: '/admin/audit',
    summary: 'The audit log, newest first (administrators): sign-ins, session revocations, meeting changes, reads of transcripts and reports, action item changes, maintenance',
    auth: true,
    admin: true,
    schemas: auditQuery,
    handler: async (ctx, { query }) => {
      const em = deps.orm.em;
      const after = query.cursor ? decodeCursor(query.cursor) : undefined;
      const events = await em.find(
        AuditEvent,
        {
          ...(query.actor ? { actor: query.actor } : {}),
          ...(query.action ? { action: query.action } : {}),
          ...(query.targetType ? { targetType: query.targetType } : {}),
          ...(query.targetId ? { targetId: query.targetId } : {}),
          ...(query.from || query.to ? { occurredAt: { ...(query.from ? { $gte: new Date(query.from) } : {}), ...(query.to ? { $lt: new Date(query.to) } : {}) } } : {}),
          ...(after ? { $or: [{ occurredAt: { $lt: after.at } }, { occurredAt: after.at, id: { $lt: after.id } }] } : {}),
        },
        { orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }], limit: query.limit + 1 },
      );
      const page = events.slice(0, query.limit);
      // Reading the audit log is itself an admin act worth a row (written after the read, so it is not in this page).
      await auditRequest(ctx, em, { action: 'audit.read', target: { type: 'audit_log' }, details: { filters: { ...query, cursor: undefined, limit: undefined } } });
      ctx.body = { events: page.map(eventView), nextCursor: events.length > query.limit ? encodeCursor(page[page.length - 1]) : null };
    },
  });
}
