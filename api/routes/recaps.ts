import type { Context } from 'koa';
import { z } from 'zod';
import { findVisibleMeeting } from '../../commands/meetings';
import { decideRecap, findRecap } from '../../commands/recaps';
import { apiActor } from '../audit';
import { commandDeps, type ApiDeps } from '../deps';
import type { RouteRegistry } from '../routing';

const SUMMARY_MAX = 20_000;
const isoDate = z.iso.date({ error: 'a due date is a calendar date, YYYY-MM-DD' });

const byId = { params: z.object({ id: z.string() }) };
const edit = {
  params: byId.params,
  body: z
    .object({
      executiveSummary: z.string().trim().min(1, { error: 'must not be empty (leave it out to keep the draft\'s)' }).max(SUMMARY_MAX).optional(),
      decisions: z.array(z.string().trim().min(1, { error: 'a decision must not be empty' }).max(1000)).max(100).optional(),
      actionItems: z
        .array(z.object({ title: z.string().trim().min(1, { error: 'an action item needs a title' }).max(500), assigneeId: z.uuid({ error: "assigneeId is a user's id (a UUID)" }).optional(), dueDate: isoDate.optional() }).strict())
        .max(200)
        .optional(),
    })
    .strict()
    .refine((body) => body.executiveSummary !== undefined || body.decisions !== undefined || body.actionItems !== undefined, { error: 'send at least one of executiveSummary, decisions, actionItems' }),
};

/** The host's approval of a meeting's recap before participants get it (settings.approval = "on"). */
export function recapRoutes(routes: RouteRegistry, deps: ApiDeps): void {
  const meeting = (ctx: Context, id: string) => findVisibleMeeting(commandDeps(deps), apiActor(ctx), id);

  routes.add({
    method: 'get',
    path: '/meetings/{id}/recap',
    summary: 'The draft recap awaiting the host (summary, decisions, action items with owners and dates) and its state; host only',
    auth: true,
    schemas: byId,
    handler: async (ctx, { params }) => {
      ctx.body = { recap: await findRecap(commandDeps(deps), apiActor(ctx), await meeting(ctx, params.id)) };
    },
  });

  for (const decision of ['approve', 'discard'] as const) {
    routes.add({
      method: 'post',
      path: `/meetings/{id}/recap/${decision}`,
      summary: decision === 'approve' ? 'Approve the draft recap: participants get it now' : 'Discard the draft recap: no participant gets it',
      auth: true,
      schemas: byId,
      handler: async (ctx, { params }) => {
        ctx.body = { recap: await decideRecap(commandDeps(deps), apiActor(ctx), await meeting(ctx, params.id), decision) };
      },
    });
  }

  routes.add({
    method: 'put',
    path: '/meetings/{id}/recap',
    summary: 'Edit the draft recap (summary text, decisions, action items): a new summary version with you as its editor, then approved',
    auth: true,
    schemas: edit,
    handler: async (ctx, { params, body }) => {
      ctx.body = { recap: await decideRecap(commandDeps(deps), apiActor(ctx), await meeting(ctx, params.id), 'approve', body) };
    },
  });
}
