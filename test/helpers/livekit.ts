import { RoomServiceClient } from 'livekit-server-sdk';
import { createVideoProvider } from '../../integrations';
import { signWebhook, startFakeEgress, WEBHOOK_CONTENT_TYPE, type FakeEgressService } from '../fakes/livekit';
import { startApiStack, type ApiStack } from './api';
import { joinAsParticipant, startLocalLiveKit, type LocalLiveKit, type RoomGuest } from './livekit-server';
import { freePort } from './processes';
import { testWorld, type TestWorld } from './worker';

export interface LiveKitStack extends ApiStack {
  /** The real LiveKit server of this test file; it sends its webhooks to the API. */
  livekit: LocalLiveKit;
  /** The Egress stand-in recordings go to (the real server has no Egress here). */
  egress: FakeEgressService;
  world: TestWorld;
  /** Posts to POST /webhooks/livekit as LiveKit does, signed with the server's key unless told otherwise; `null` sends no Authorization. */
  postWebhook: (body: string, authorization?: string | null) => Promise<{ status: number; body: any }>;
  /** The user joins the meeting's room as a real participant, with the token GET /meetings/{id}/join gives them. */
  join: (meetingId: string, sessionToken: string) => Promise<RoomGuest>;
  /** The room as the real server has it (undefined when it has none of that name). */
  serverRoom: (roomName: string) => Promise<{ name: string; participants: string[] } | undefined>;
}

/**
 * A real LiveKit server (its webhooks to the API), the Egress stand-in, a world configured for both, a running
 * worker and the API, for one test file. `departureTimeoutSeconds`: how long an emptied room stays (LiveKit's default 20).
 */
export async function startLiveKitStack(label: string, env: Record<string, string> = {}, options: { departureTimeoutSeconds?: number } = {}): Promise<LiveKitStack> {
  const port = await freePort();
  // The API must know the server's URL and keys before the server knows the API's address: pick the port first.
  const keys = { apiKey: `test${label.replace(/\W/g, '')}`, apiSecret: `secret-${label}-${Date.now()}-long-enough-for-hs256` };
  const world = testWorld(label, { LIVEKIT_URL: `ws://127.0.0.1:${port}`, LIVEKIT_API_KEY: keys.apiKey, LIVEKIT_API_SECRET: keys.apiSecret, RECORDER: 'egress', ...env });
  const rooms = new RoomServiceClient(`http://127.0.0.1:${port}`, keys.apiKey, keys.apiSecret);
  const egress = await startFakeEgress({ ...keys, roomSid: async (name) => (await rooms.listRooms([name])).find((room) => room.name === name)?.sid });
  world.providers.video = createVideoProvider(world.cfg, { egressUrl: egress.url });
  const stack = await startApiStack(world);
  const livekit = await startLocalLiveKit({ port, webhookUrl: `${stack.api.url}/webhooks/livekit`, departureTimeoutSeconds: options.departureTimeoutSeconds, keys }).catch(async (error: unknown) => {
    await stack.stop();
    await egress.close();
    throw error;
  });
  return {
    ...stack,
    livekit,
    egress,
    world,
    postWebhook: async (body, authorization = signWebhook(body, keys.apiKey, keys.apiSecret)) => {
      const headers: Record<string, string> = { 'content-type': WEBHOOK_CONTENT_TYPE };
      if (authorization !== null) headers.authorization = authorization;
      const response = await fetch(`${stack.api.url}/webhooks/livekit`, { method: 'POST', headers, body });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    join: async (meetingId, sessionToken) => {
      const answer = await stack.api.call('GET', `/meetings/${meetingId}/join`, { token: sessionToken });
      if (answer.status !== 200) throw new Error(`join refused: ${answer.status} ${JSON.stringify(answer.body)}`);
      return joinAsParticipant(answer.body.url, answer.body.token);
    },
    serverRoom: async (roomName) => {
      const [room] = (await rooms.listRooms([roomName])).filter((found) => found.name === roomName);
      if (!room) return undefined;
      return { name: room.name, participants: (await rooms.listParticipants(roomName)).map((p) => p.identity).sort() };
    },
    stop: async () => {
      await livekit.stop();
      await stack.stop();
      await egress.close();
    },
  };
}
