import { z } from 'zod';
import { RoomInvitation } from '../../db/entities';
import { meetingWorkflowId } from '../../workflows/ids';
import { rsvpUpdate } from '../../workflows/messages';
import type { ApiDeps } from '../app';
import { HttpError } from '../middleware/errors';
import { inputOf } from '../middleware/validate';
import type { RouteRegistry } from '../routing';
import { asHttp } from '../temporal-errors';

const byToken = { params: z.object({ token: z.string().min(10).max(100) }) };

/** Public: an invitation link works without an account, bound to its token and until it expires. */
export function invitationRoutes(routes: RouteRegistry, deps: ApiDeps): void {
  async function invitation(token: string) {
    const found = await deps.orm.em.findOne(RoomInvitation, { token }, { populate: ['room', 'inviter'] });
    if (!found) throw new HttpError(404, 'not_found', 'This invitation link is not valid: check that it was copied whole');
    if (found.status === 'cancelled' || found.room.status === 'cancelled') throw new HttpError(410, 'gone', `"${found.room.name}" was cancelled`);
    if (found.expiresAt.getTime() < Date.now() || found.status === 'expired') throw new HttpError(410, 'gone', 'This invitation has expired');
    return found;
  }

  routes.add({
    method: 'get',
    path: '/invitations/{token}',
    summary: 'What an invitation is for: the meeting, who invited, its status (public)',
    auth: false,
    schemas: byToken,
    handler: async (ctx) => {
      const found = await invitation(inputOf(ctx, byToken).params.token);
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
      handler: async (ctx) => {
        const found = await invitation(inputOf(ctx, byToken).params.token);
        const handle = deps.temporal.workflow.getHandle(meetingWorkflowId(found.room.id));
        const result = await asHttp(() => handle.executeUpdate(rsvpUpdate, { args: [{ invitationToken: found.token, response }] }));
        ctx.body = { invitation: { email: result.email, status: result.status } };
      },
    });
  }
}
