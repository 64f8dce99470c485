import { signWebhook, startFakeLiveKit, WEBHOOK_CONTENT_TYPE, type FakeLiveKit } from '../fakes/livekit';
import { startApiStack, type ApiStack } from './api';
import { testWorld, type TestWorld } from './worker';

export interface LiveKitStack extends ApiStack {
  livekit: FakeLiveKit;
  world: TestWorld;
  /** Posts to POST /webhooks/livekit as LiveKit does, signed unless told otherwise; `null` sends no Authorization. */
  postWebhook: (body: string, authorization?: string | null) => Promise<{ status: number; body: any }>;
}

/** The LiveKit stand-in, a world configured for it, a running worker and the API, for one test file. */
export async function startLiveKitStack(label: string, credentials: { apiKey: string; apiSecret: string }, env: Record<string, string> = {}): Promise<LiveKitStack> {
  const livekit = await startFakeLiveKit(credentials);
  // The stand-in speaks Twirp but carries no media: rooms on it are recorded by (its) Egress, not Meetflow's recorder.
  const world = testWorld(label, { LIVEKIT_URL: livekit.url, LIVEKIT_API_KEY: credentials.apiKey, LIVEKIT_API_SECRET: credentials.apiSecret, RECORDER: 'egress', ...env });
  const stack = await startApiStack(world);
  return {
    ...stack,
    livekit,
    world,
    postWebhook: async (body, authorization = signWebhook(body, credentials.apiKey, credentials.apiSecret)) => {
      const headers: Record<string, string> = { 'content-type': WEBHOOK_CONTENT_TYPE };
      if (authorization !== null) headers.authorization = authorization;
      const response = await fetch(`${stack.api.url}/webhooks/livekit`, { method: 'POST', headers, body });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    stop: async () => {
      await stack.stop();
      await livekit.close();
    },
  };
}
