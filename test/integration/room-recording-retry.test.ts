import type { MikroORM } from '@mikro-orm/postgresql';
import pino from 'pino';
import { createVideoActivities } from '../../activities/video';
import { LiveKitVideoProvider } from '../../integrations/video/livekit';
import { startFakeEgress, type FakeEgressService } from '../fakes/livekit';
import { openTestOrm } from '../helpers/db';
import { createRoom, createUser } from '../helpers/factories';
import { startLocalLiveKit, type LocalLiveKit } from '../helpers/livekit-server';
import { testWorld } from '../helpers/worker';

// Issue 15: a retried startRoomRecording (its first attempt started the Egress, then timed out or lost its worker)
// must not start a second recording of the same room. A real LiveKit server, the Egress stand-in.
const world = testWorld('recording-retry');
let orm: MikroORM;
let livekit: LocalLiveKit;
let egress: FakeEgressService;

beforeAll(async () => {
  orm = await openTestOrm();
  livekit = await startLocalLiveKit();
  egress = await startFakeEgress({ apiKey: livekit.apiKey, apiSecret: livekit.apiSecret });
});

afterAll(async () => {
  await egress?.close();
  await livekit?.stop();
  await orm?.close();
});

test('startRoomRecording run again finds the recording its first attempt started, and starts no other', async () => {
  const video = new LiveKitVideoProvider({ url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret, egressUrl: egress.url });
  const activities = createVideoActivities({ orm, providers: { ...world.providers, video }, log: pino({ level: 'silent' }), publicUrl: world.cfg.PUBLIC_URL, timeZone: 'UTC', summaryMaxAttempts: 1 });
  const room = await createRoom(orm.em.fork(), await createUser(orm.em.fork()));
  await video.openRoom({ roomName: room.livekitRoomName, maxParticipants: 4, emptyTimeoutSeconds: 300 });

  const first = await activities.startRoomRecording({ roomId: room.id });
  const retried = await activities.startRoomRecording({ roomId: room.id });

  expect(first).toMatch(/^EG_/);
  expect(retried).toBe(first);
  expect(egress.calls.filter((call) => call.method === 'StartRoomCompositeEgress')).toHaveLength(1);

  // Once that recording has ended, a new start is a new recording.
  egress.finishEgress(first!);
  const next = await activities.startRoomRecording({ roomId: room.id });
  expect(next).not.toBe(first);
  expect(egress.calls.filter((call) => call.method === 'StartRoomCompositeEgress')).toHaveLength(2);
  await video.closeRoom(room.livekitRoomName);
});
