import { z } from 'zod';
import { updateActionItem } from '../../commands/action-items';
import { ActionItem } from '../../db/entities';
import { PUBLISHED_SUMMARY } from '../../db/summaries';
import { ACTION_ITEM_PRIORITIES, ACTION_ITEM_STATUSES } from '../../db/entities/action-item';
import { apiActor } from '../audit';
import { commandDeps, type ApiDeps } from '../deps';
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
    handler: async (ctx, { query }) => {
      const items = await deps.orm.em.find(
        ActionItem,
        { assignedTo: apiActor(ctx).user.id, summary: PUBLISHED_SUMMARY, ...(query.status ? { status: query.status } : {}) },
        { populate: ['assignedTo', 'room'], orderBy: { dueDate: 'asc', createdAt: 'asc' } },
      );
      ctx.body = { actionItems: items.map(actionItemView) };
    },
  });

  routes.add({
    method: 'patch',
    path: '/action-items/{id}',
    summary: "Change an item's status, priority, due date or assignee (completing it ends its reminder)",
    auth: true,
    schemas: patch,
    handler: async (ctx, { params, body }) => {
      const item = await updateActionItem(commandDeps(deps), apiActor(ctx), params.id, body);
      ctx.body = { actionItem: actionItemView(item) };
    },
  });
}
