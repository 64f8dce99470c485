import { z } from 'zod';
import { answerInvitation, findOpenInvitation } from '../../commands/meetings';
import type { ApiDeps } from '../deps';
import type { RouteRegistry } from '../routing';

const byToken = { params: z.object({ token: z.string().min(10).max(100) }) };

/** Public: an invitation link works without an account, bound to its token and until it expires. */
export function invitationRoutes(routes: RouteRegistry, deps: ApiDeps): void {
  routes.add({
    method: 'get',
    path: '/invitations/{token}',
    summary: 'What an invitation is for: the meeting, who invited, its status (public)',
    auth: false,
    schemas: byToken,
    handler: async (ctx, { params }) => {
      const found = await findOpenInvitation({ em: deps.orm.em }, params.token);
      ctx.body = {
        invitation: { email: found.inviteeEmail, status: found.status, expiresAt: found.expiresAt.toISOString() },
        meeting: { id: found.room.id, title: found.room.name, start: found.room.scheduledStartTime?.toISOString() ?? null, durationMinutes: found.room.plannedDuration ?? null, status: found.room.status },
        invitedBy: { name: found.inviter.name },
      };
    },
  });

  for (const response of ['accept', 'decline'] as const) {
    routes.add({
      method: 'post',
      path: `/invitations/{token}/${response}`,
      summary: `${response === 'accept' ? 'Accept' : 'Decline'} an invitation (public, token-bound)`,
      auth: false,
      schemas: byToken,
      handler: async (ctx, { params }) => {
        const { status } = await answerInvitation({ em: deps.orm.em, temporal: deps.temporal, cfg: deps.cfg }, params.token, response);
        ctx.body = { invitation: { email: status.email, status: status.status } };
      },
    });
  }
}
