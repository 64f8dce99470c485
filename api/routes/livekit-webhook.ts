import Router from '@koa/router';
import { WebhookReceiver } from 'livekit-server-sdk';
import getRawBody from 'raw-body';
import { Room } from '../../db/entities';
import { MeetingRefusal } from '../../clients/meetings';
import { MeetingEvents } from '../../clients/video-events';
import { isRecorder } from '../../integrations/video/livekit';
import type { ApiDeps } from '../deps';
import { HttpError } from '../middleware/errors';

type WebhookEvent = Awaited<ReturnType<WebhookReceiver['receive']>>;

const seconds = (value: bigint | number | undefined) => Number(value ?? 0);

/** The LiveKit room a webhook is about (egress events name it in egressInfo). */
const roomNameOf = (event: WebhookEvent) => event.room?.name ?? event.egressInfo?.roomName;

/**
 * POST /webhooks/livekit: LiveKit's signed webhooks (a JWT over the body's SHA-256) become the meeting
 * workflow's signals, each with LiveKit's event id so a redelivered event changes nothing. A bad signature
 * is 401 and changes nothing; an event for a room Meetflow does not know is 404.
 */
export function livekitWebhookRoutes(deps: ApiDeps): Router {
  const router = new Router();
  router.post('/webhooks/livekit', async (ctx) => {
    const { LIVEKIT_API_KEY: key, LIVEKIT_API_SECRET: secret } = deps.cfg;
    if (!key || !secret) throw new HttpError(404, 'not_found', 'LiveKit is not configured on this Meetflow (set LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET)');
    const body = await getRawBody(ctx.req, { limit: '1mb', encoding: 'utf8' });
    let event: WebhookEvent;
    try {
      event = await new WebhookReceiver(key, secret).receive(body, ctx.get('authorization'));
    } catch (error) {
      throw new HttpError(401, 'unauthenticated', `Webhook signature rejected: ${(error as Error).message}`);
    }
    const roomName = roomNameOf(event);
    if (!roomName) {
      ctx.status = 204; // events about no room (none today) need nothing from us
      return;
    }
    // (a NUL cannot be in a room name PostgreSQL holds: no need to ask it)
    const room = roomName.includes('\u0000') ? null : await deps.orm.em.findOne(Room, { livekitRoomName: roomName });
    if (!room) throw new HttpError(404, 'not_found', `No meeting uses LiveKit room "${roomName}"`);
    try {
      await signal(deps, room.id, event);
    } catch (error) {
      // A late event for a meeting that is over (completed, cancelled) is acknowledged: an error would only make
      // LiveKit send it again and again, and there is nothing left for it to change.
      if (!(error instanceof MeetingRefusal && error.kind === 'over')) throw error;
    }
    ctx.status = 204;
  });
  return router;
}

async function signal(deps: ApiDeps, roomId: string, event: WebhookEvent): Promise<void> {
  const events = MeetingEvents.of(deps.temporal, roomId);
  const at = new Date(seconds(event.createdAt) * 1000 || Date.now());
  if (Number.isNaN(at.getTime())) throw new HttpError(400, 'invalid_request', `createdAt ${String(event.createdAt)} is not a time (seconds since 1970)`);
  const origin = { eventId: event.id, at };
  const participant = event.participant;
  const egress = event.egressInfo;
  if (event.event.startsWith('participant_') && !participant?.identity) {
    throw new HttpError(400, 'invalid_request', `A ${event.event} event must carry its participant (participant.identity)`);
  }
  if (event.event.startsWith('egress_') && !egress?.egressId) {
    throw new HttpError(400, 'invalid_request', `An ${event.event} event must carry its egress (egressInfo.egressId)`);
  }
  // Recorders (Meetflow's own, Egress's) are in the room but not in the meeting.
  if (participant && isRecorder(participant)) return;
  switch (event.event) {
    case 'participant_joined':
      return events.join(participant!.identity, participant!.name || undefined, origin);
    case 'participant_left':
    case 'participant_connection_aborted':
      return events.leave(participant!.identity, origin);
    case 'egress_started':
      return events.startRecording(egress!.egressId, origin);
    case 'egress_ended': {
      const file = egress!.fileResults?.[0];
      // EgressStatus: 4 = EGRESS_FAILED, 5 = EGRESS_ABORTED
      const failed = Boolean(egress!.error) || [4, 5].includes(Number(egress!.status));
      return events.finishRecording(
        egress!.egressId,
        {
          filePath: file?.filename || undefined,
          fileUrl: file?.location || undefined,
          fileSize: file ? Number(file.size) : undefined,
          durationSeconds: file ? Math.round(Number(file.duration) / 1e9) : undefined,
          error: failed ? egress!.error || 'the recording failed' : undefined,
        },
        origin,
      );
    }
    case 'room_finished':
      return events.finishRoom(origin);
    default:
      return; // room_started, track events: nothing for the meeting to do
  }
}
