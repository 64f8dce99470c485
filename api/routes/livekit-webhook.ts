import Router from '@koa/router';
import { WebhookReceiver } from 'livekit-server-sdk';
import getRawBody from 'raw-body';
import { Room } from '../../db/entities';
import { isRecorder } from '../../integrations/video/livekit';
import { meetingWorkflowId } from '../../workflows/ids';
import {
  participantJoinedSignal,
  participantLeftSignal,
  recordingFinishedSignal,
  recordingStartedSignal,
  roomFinishedSignal,
} from '../../workflows/messages';
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
    const room = await deps.orm.em.findOne(Room, { livekitRoomName: roomName });
    if (!room) throw new HttpError(404, 'not_found', `No meeting uses LiveKit room "${roomName}"`);
    await signal(deps, room.id, event);
    ctx.status = 204;
  });
  return router;
}

async function signal(deps: ApiDeps, roomId: string, event: WebhookEvent): Promise<void> {
  const handle = deps.temporal.workflow.getHandle(meetingWorkflowId(roomId));
  const base = { eventId: event.id, at: new Date(seconds(event.createdAt) * 1000 || Date.now()).toISOString() };
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
      return handle.signal(participantJoinedSignal, { ...base, identity: participant!.identity, name: participant!.name || undefined });
    case 'participant_left':
    case 'participant_connection_aborted':
      return handle.signal(participantLeftSignal, { ...base, identity: participant!.identity });
    case 'egress_started':
      return handle.signal(recordingStartedSignal, { ...base, recordingId: egress!.egressId });
    case 'egress_ended': {
      const file = egress!.fileResults?.[0];
      // EgressStatus: 4 = EGRESS_FAILED, 5 = EGRESS_ABORTED
      const failed = Boolean(egress!.error) || [4, 5].includes(Number(egress!.status));
      return handle.signal(recordingFinishedSignal, {
        ...base,
        recordingId: egress!.egressId,
        filePath: file?.filename || undefined,
        fileUrl: file?.location || undefined,
        fileSize: file ? Number(file.size) : undefined,
        durationSeconds: file ? Math.round(Number(file.duration) / 1e9) : undefined,
        error: failed ? egress!.error || 'the recording failed' : undefined,
      });
    }
    case 'room_finished':
      return handle.signal(roomFinishedSignal, base);
    default:
      return; // room_started, track events: nothing for the meeting to do
  }
}
