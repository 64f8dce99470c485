import { z } from 'zod';
import { ActionItem, User } from '../../db/entities';
import { ACTION_ITEM_PRIORITIES, ACTION_ITEM_STATUSES } from '../../db/entities/action-item';
import { syncReminder } from '../../clients/action-items';
import { visibleMeeting } from '../access';
import type { ApiDeps } from '../app';
import { auditRequest } from '../audit';
import { currentUser } from '../middleware/auth';
import { HttpError } from '../middleware/errors';
import { inputOf } from '../middleware/validate';
import type { RouteRegistry } from '../routing';
import { actionItemView } from '../views';

const list = {
  query: z.object({
    assignee: z.literal('me', { error: 'assignee can only be "me" (see a meeting\'s items at /meetings/{id}/action-items)' }).default('me'),
    status: z.enum(ACTION_ITEM_STATUSES).optional(),
  }),
};

const patch = {
  params: z.object({ id: z.uuid({ error: 'must be an action item id' }) }),
  body: z
    .object({
      status: z.enum(ACTION_ITEM_STATUSES).optional(),
      priority: z.enum(ACTION_ITEM_PRIORITIES).optional(),
      dueDate: z.iso.date({ error: 'dueDate must be a date like 2026-12-03' }).nullable().optional(),
      assigneeId: z.uuid().nullable().optional(),
    })
    .strict()
    .refine((body) => Object.keys(body).length > 0, { error: 'send at least one of status, priority, dueDate, assigneeId' }),
};

export function actionItemRoutes(routes: RouteRegistry, deps: ApiDeps): void {
  routes.add({
    method: 'get',
    path: '/action-items',
    summary: 'My action items (?status=open)',
    auth: true,
    schemas: list,
    handler: async (ctx) => {
      const { query } = inputOf(ctx, list);
      const items = await deps.orm.em
        .find(ActionItem, { assignedTo: currentUser(ctx).id, ...(query.status ? { status: query.status } : {}) }, { populate: ['assignedTo', 'room'], orderBy: { dueDate: 'asc', createdAt: 'asc' } });
      ctx.body = { actionItems: items.map(actionItemView) };
    },
  });

  routes.add({
    method: 'patch',
    path: '/action-items/{id}',
    summary: "Change an item's status, priority, due date or assignee (completing it ends its reminder)",
    auth: true,
    schemas: patch,
    handler: async (ctx) => {
      const { params, body } = inputOf(ctx, patch);
      const user = currentUser(ctx);
      const em = deps.orm.em;
      const item = await em.findOne(ActionItem, params.id, { populate: ['assignedTo', 'room', 'room.host'] });
      if (!item) throw new HttpError(404, 'not_found', `No action item ${params.id}`);
      await visibleMeeting(em, user, item.room.id);
      if (item.assignedTo?.id !== user.id && item.room.host.id !== user.id && user.role !== 'admin') {
        throw new HttpError(403, 'forbidden', 'Only the assignee or the meeting host can change this item');
      }
      if (body.status) {
        item.status = body.status;
        item.completedAt = body.status === 'completed' ? new Date() : null;
      }
      if (body.priority) item.priority = body.priority;
      if (body.dueDate !== undefined) item.dueDate = body.dueDate;
      if (body.assigneeId !== undefined) item.assignedTo = body.assigneeId ? await em.findOneOrFail(User, body.assigneeId, { failHandler: () => new HttpError(422, 'invalid_request', `body.assigneeId: no user ${body.assigneeId}`) }) : null;
      await em.flush();
      await auditRequest(ctx, em, { action: 'action_item.update', target: { type: 'action_item', id: item.id }, details: { meetingId: item.room.id, changes: body } });
      await syncReminder(deps.temporal, deps.cfg.TEMPORAL_TASK_QUEUE, { id: item.id, status: item.status, dueDate: item.dueDate ?? null, assigned: Boolean(item.assignedTo) });
      ctx.body = { actionItem: actionItemView(item) };
    },
  });
}
