import { z } from 'zod';
import { Notification } from '../../db/entities';
import type { ApiDeps } from '../deps';
import { currentUser } from '../middleware/auth';
import { HttpError } from '../middleware/errors';
import type { RouteRegistry } from '../routing';
import { notificationView } from '../views';

const list = {
  query: z.object({
    unread: z.enum(['true', 'false'], { error: 'unread is true or false' }).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
};
const byId = { params: z.object({ id: z.uuid({ error: 'must be a notification id' }) }) };

export function notificationRoutes(routes: RouteRegistry, deps: ApiDeps): void {
  routes.add({
    method: 'get',
    path: '/notifications',
    summary: 'My notifications, newest first (?unread=true)',
    auth: true,
    schemas: list,
    handler: async (ctx, { query }) => {
      const rows = await deps.orm.em
        .find(Notification, { user: currentUser(ctx).id, ...(query.unread ? { isRead: query.unread === 'false' } : {}) }, { orderBy: { createdAt: 'desc' }, limit: query.limit });
      ctx.body = { notifications: rows.map(notificationView) };
    },
  });

  routes.add({
    method: 'post',
    path: '/notifications/{id}/read',
    summary: 'Mark one notification read',
    auth: true,
    schemas: byId,
    handler: async (ctx, { params }) => {
      const em = deps.orm.em;
      const row = await em.findOne(Notification, { id: params.id, user: currentUser(ctx).id });
      if (!row) throw new HttpError(404, 'not_found', `No notification ${params.id} of yours`);
      if (!row.isRead) {
        row.isRead = true;
        row.readAt = new Date();
        await em.flush();
      }
      ctx.body = { notification: notificationView(row) };
    },
  });

  routes.add({
    method: 'post',
    path: '/notifications/read-all',
    summary: 'Mark all my notifications read',
    auth: true,
    handler: async (ctx) => {
      const marked = await deps.orm.em.nativeUpdate(Notification, { user: currentUser(ctx).id, isRead: false }, { isRead: true, readAt: new Date() });
      ctx.body = { marked };
    },
  });
}
