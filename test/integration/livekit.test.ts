import { AccessToken, EgressStatus, ParticipantInfo_State, RoomServiceClient, TokenVerifier, WebhookReceiver } from 'livekit-server-sdk';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LiveKitError, LiveKitVideoProvider, type LiveKitOptions } from '../../integrations/video/livekit';
import { signWebhook, startFakeEgress, webhookEvent, type FakeEgressService } from '../fakes/livekit';
import { disposeParticipants, joinAsParticipant, startLocalLiveKit, type LocalLiveKit, type RoomGuest } from '../helpers/livekit-server';
import { waitFor } from '../helpers/wait';

// The provider, through the real livekit-server-sdk, against a real LiveKit server of this file's own (rooms,
// participants, tokens, webhooks) and the Egress stand-in (recordings: Egress cannot be installed here).

interface Delivery {
  body: string;
  authorization: string;
}

let livekit: LocalLiveKit;
let egress: FakeEgressService;
let hook: Server;
const deliveries: Delivery[] = [];
const guests: RoomGuest[] = [];

beforeAll(async () => {
  // Where the server posts its webhooks: kept as they arrived, body and signature.
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      deliveries.push({ body, authorization: req.headers.authorization ?? '' });
      res.end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  livekit = await startLocalLiveKit({ webhookUrl: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`, departureTimeoutSeconds: 1 });
});

afterAll(async () => {
  await livekit?.stop();
  await new Promise((resolve) => hook?.close(resolve));
  await disposeParticipants();
});

beforeEach(async () => {
  egress = await startFakeEgress({ apiKey: livekit.apiKey, apiSecret: livekit.apiSecret, roomSid: async (name) => (await admin().listRooms([name])).find((room) => room.name === name)?.sid });
});

afterEach(async () => {
  await Promise.all(guests.splice(0).map((guest) => guest.leave()));
  await egress.close();
});

const admin = () => new RoomServiceClient(livekit.url.replace('ws:', 'http:'), livekit.apiKey, livekit.apiSecret);
const provider = (options: Partial<LiveKitOptions> = {}) => new LiveKitVideoProvider({ url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret, egressUrl: egress.url, ...options });
const serverRoom = async (name: string) => (await admin().listRooms([name])).find((room) => room.name === name);
const callsTo = (method: string) => egress.calls.filter((call) => call.method === method);

async function join(video: LiveKitVideoProvider, roomName: string, identity: string, name: string, role: 'host' | 'participant' = 'participant'): Promise<RoomGuest> {
  const { token, url } = await video.joinToken({ roomName, identity, name, role, ttlSeconds: 600 });
  const guest = await joinAsParticipant(url, token);
  guests.push(guest);
  return guest;
}

/** The webhooks the server sent about this room so far, verified and decoded as the API does. */
async function eventsOf(roomName: string) {
  const receiver = new WebhookReceiver(livekit.apiKey, livekit.apiSecret);
  const events = await Promise.all(deliveries.map((delivery) => receiver.receive(delivery.body, delivery.authorization)));
  return events.filter((event) => event.room?.name === roomName);
}

async function rejection(promise: Promise<unknown>): Promise<LiveKitError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(LiveKitError);
  return error as LiveKitError;
}

describe('rooms', () => {
  test('openRoom creates the room with its empty timeout and size, and opening it again keeps the same room', async () => {
    const video = provider();
    await video.openRoom({ roomName: 'meetflow-design-review', maxParticipants: 8, emptyTimeoutSeconds: 300 });

    const room = await serverRoom('meetflow-design-review');
    expect(room).toMatchObject({ name: 'meetflow-design-review', emptyTimeout: 300, maxParticipants: 8 });

    await video.openRoom({ roomName: 'meetflow-design-review', maxParticipants: 8, emptyTimeoutSeconds: 300 });
    expect((await admin().listRooms(['meetflow-design-review'])).map((found) => found.sid)).toEqual([room!.sid]);
  });

  test('the provider accepts LIVEKIT_URL as http:// too', async () => {
    await provider({ url: livekit.url.replace('ws://', 'http://') }).openRoom({ roomName: 'http-room', maxParticipants: 2, emptyTimeoutSeconds: 60 });
    expect(await serverRoom('http-room')).toMatchObject({ emptyTimeout: 60, maxParticipants: 2 });
  });

  test('closeRoom deletes the room and disconnects whoever is in it; closing a room that is gone succeeds', async () => {
    const video = provider();
    await video.openRoom({ roomName: 'to-close', maxParticipants: 4, emptyTimeoutSeconds: 300 });
    const ann = await join(video, 'to-close', 'user-1', 'Ann');
    const disconnected = new Promise<void>((resolve) => ann.room.once('disconnected', () => resolve()));

    await video.closeRoom('to-close');
    await disconnected;
    expect(await serverRoom('to-close')).toBeUndefined();
    await video.closeRoom('to-close');
    await video.closeRoom('never-opened');
  });
});

describe('join tokens', () => {
  const verifier = () => new TokenVerifier(livekit.apiKey, livekit.apiSecret);

  test('a host may join, publish, administer and record the room; the server lets them in under their name', async () => {
    const video = provider();
    await video.openRoom({ roomName: 'meetflow-r1', maxParticipants: 8, emptyTimeoutSeconds: 300 });
    const { token, url } = await video.joinToken({ roomName: 'meetflow-r1', identity: 'user-host', name: 'Olga Host', role: 'host', ttlSeconds: 3600 });

    expect(url).toBe(livekit.url);
    const claims = await verifier().verify(token);
    expect(claims).toMatchObject({ iss: livekit.apiKey, sub: 'user-host', name: 'Olga Host' });
    expect(claims.video).toEqual({ roomJoin: true, room: 'meetflow-r1', roomAdmin: true, roomRecord: true, canPublish: true, canSubscribe: true, canPublishData: true });
    expect(claims.exp! - claims.nbf!).toBe(3600);

    guests.push(await joinAsParticipant(url, token));
    // connect() returns once the signal connection is up; the server counts someone active once their media
    // connection is up too, a moment later on a busy machine (CI run 56 listed the host as JOINED).
    const hostState = async () => (await admin().listParticipants('meetflow-r1'))[0]?.state;
    await waitFor('the host active on the server', async () => (await hostState()) === ParticipantInfo_State.ACTIVE, 10_000);
    const [participant] = await admin().listParticipants('meetflow-r1');
    expect(participant).toMatchObject({ identity: 'user-host', name: 'Olga Host', state: ParticipantInfo_State.ACTIVE });
    expect(participant.permission).toMatchObject({ canPublish: true, canSubscribe: true });
    // The host's token also administers the room: the server answers it.
    expect((await fetch(`${livekit.url.replace('ws:', 'http:')}/twirp/livekit.RoomService/ListParticipants`, twirp(token, { room: 'meetflow-r1' }))).status).toBe(200);
  });

  test('a participant may join and publish, but the server refuses them its admin API', async () => {
    const video = provider();
    await video.openRoom({ roomName: 'meetflow-r2', maxParticipants: 8, emptyTimeoutSeconds: 300 });
    const { token } = await video.joinToken({ roomName: 'meetflow-r2', identity: 'user-guest', name: 'Ann Guest', role: 'participant', ttlSeconds: 900 });

    const claims = await verifier().verify(token);
    expect(claims.video).toEqual({ roomJoin: true, room: 'meetflow-r2', canPublish: true, canSubscribe: true, canPublishData: true });
    expect(claims.exp! - claims.nbf!).toBe(900);
    guests.push(await joinAsParticipant(livekit.url, token));
    expect((await admin().listParticipants('meetflow-r2')).map((p) => [p.identity, p.name])).toEqual([['user-guest', 'Ann Guest']]);
    const refused = await fetch(`${livekit.url.replace('ws:', 'http:')}/twirp/livekit.RoomService/ListParticipants`, twirp(token, { room: 'meetflow-r2' }));
    expect(refused.status).toBe(401);
  });

  test('a token signed with another secret does not get in', async () => {
    const forged = new AccessToken(livekit.apiKey, 'another-secret-entirely-0123456789abcdef', { identity: 'mallory', ttl: 60 });
    forged.addGrant({ roomJoin: true, room: 'meetflow-r1' });
    await expect(joinAsParticipant(livekit.url, await forged.toJwt())).rejects.toThrow();
  });
});

const twirp = (token: string, body: unknown): RequestInit => ({ method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

describe('recordings (Egress stand-in)', () => {
  test('startRecording starts an audio-only room composite egress to the file and returns its id', async () => {
    const video = provider();
    await video.openRoom({ roomName: 'recorded', maxParticipants: 4, emptyTimeoutSeconds: 300 });

    const egressId = await video.startRecording('recorded', '/recordings/recorded/2030-03-04.ogg');

    expect(egressId).toMatch(/^EG_\w{12}$/);
    expect(egress.egresses.get(egressId)).toMatchObject({ roomName: 'recorded', roomId: (await serverRoom('recorded'))!.sid, audioOnly: true, filepath: '/recordings/recorded/2030-03-04.ogg', status: 'EGRESS_ACTIVE' });
    const [start] = callsTo('StartRoomCompositeEgress');
    expect(start.grant).toMatchObject({ roomRecord: true });
    expect(start.body).toMatchObject({ roomName: 'recorded', audioOnly: true, fileOutputs: [{ fileType: 'OGG', filepath: '/recordings/recorded/2030-03-04.ogg' }] });
  });

  test('the file output follows the configured storage: a path template, S3 or GCS', async () => {
    await provider().openRoom({ roomName: 'stored', maxParticipants: 4, emptyTimeoutSeconds: 300 });

    await provider({ recordingOutput: { kind: 'file', pathTemplate: '/out/{room_name}/{path}' } }).startRecording('stored', 'a.ogg');
    await provider({
      recordingOutput: { kind: 's3', bucket: 'meetflow-rec', region: 'eu-west-1', accessKey: 'AKIA1', secret: 'shh', endpoint: 'https://minio.test:9000' },
    }).startRecording('stored', 'rooms/stored/b.mp3');
    await provider({ recordingOutput: { kind: 'gcs', bucket: 'meetflow-gcs', credentials: '{"type":"service_account"}' } }).startRecording('stored', 'c');

    expect(callsTo('StartRoomCompositeEgress').map((call) => call.body.fileOutputs)).toEqual([
      [{ fileType: 'OGG', filepath: '/out/{room_name}/a.ogg' }],
      [{ fileType: 'MP3', filepath: 'rooms/stored/b.mp3', s3: { accessKey: 'AKIA1', secret: 'shh', region: 'eu-west-1', endpoint: 'https://minio.test:9000', bucket: 'meetflow-rec' } }],
      [{ filepath: 'c', gcp: { credentials: '{"type":"service_account"}', bucket: 'meetflow-gcs' } }],
    ]);
  });

  test('recording a room the server does not have is a permanent error', async () => {
    const error = await rejection(provider().startRecording('no-such-room', 'x.ogg'));
    expect(error).toMatchObject({ status: 404, code: 'not_found', nonRetryable: true });
  });

  test('stopRecording stops the egress; stopping it again succeeds; an unknown egress is an error', async () => {
    const video = provider();
    await video.openRoom({ roomName: 'stopping', maxParticipants: 4, emptyTimeoutSeconds: 300 });
    const egressId = await video.startRecording('stopping', 'stop.ogg');

    await video.stopRecording(egressId);
    expect(egress.egresses.get(egressId)!.status).toBe('EGRESS_ENDING');
    await video.stopRecording(egressId);
    egress.finishEgress(egressId);
    await video.stopRecording(egressId);
    expect(callsTo('StopEgress').map((call) => [call.body.egressId, call.status, call.code])).toEqual([
      [egressId, 200, undefined],
      [egressId, 412, 'failed_precondition'],
      [egressId, 412, 'failed_precondition'],
    ]);
    expect(await rejection(video.stopRecording('EG_unknown00000'))).toMatchObject({ status: 404, code: 'not_found' });
  });
});

describe('room state', () => {
  test('roomState reports who is in the room on the server, and the recordings with their files', async () => {
    const video = provider();
    await video.openRoom({ roomName: 'state', maxParticipants: 4, emptyTimeoutSeconds: 300 });
    const before = Date.now();
    await join(video, 'state', 'user-1', 'Ann');
    await join(video, 'state', 'user-2', 'Bob');
    const finished = await video.startRecording('state', '/rec/state-1.ogg');
    const running = await video.startRecording('state', '/rec/state-2.ogg');
    egress.finishEgress(finished, { size: 48_000, durationSeconds: 61.5, location: 's3://bucket/rec/state-1.ogg' });

    const state = await video.roomState('state');

    expect(state.exists).toBe(true);
    expect(state.participants.map((p) => [p.identity, p.name]).sort()).toEqual([
      ['user-1', 'Ann'],
      ['user-2', 'Bob'],
    ]);
    for (const participant of state.participants) expect(Date.parse(participant.joinedAt)).toBeGreaterThanOrEqual(before - 1000);
    const byId = new Map(state.egresses.map((recording) => [recording.egressId, recording]));
    expect(byId.get(finished)).toMatchObject({ status: 'complete', filePath: '/rec/state-1.ogg', fileUrl: 's3://bucket/rec/state-1.ogg', fileSize: 48_000, durationSeconds: 61.5 });
    expect(byId.get(running)).toMatchObject({ status: 'active', filePath: '/rec/state-2.ogg' });
    expect(callsTo('ListEgress')[0].body).toEqual({ roomName: 'state' });
  });

  test('someone who left is no longer in the room; a room that is gone reports nobody but still its recordings', async () => {
    const video = provider();
    await video.openRoom({ roomName: 'gone', maxParticipants: 4, emptyTimeoutSeconds: 300 });
    const egressId = await video.startRecording('gone', '/rec/gone.ogg');
    const ann = await join(video, 'gone', 'user-1', 'Ann');
    await join(video, 'gone', 'user-2', 'Bob');
    await ann.leave();
    await waitFor('Ann to be gone from the server', async () => (await video.roomState('gone')).participants.length === 1, 10_000);
    expect((await video.roomState('gone')).participants.map((p) => p.identity)).toEqual(['user-2']);

    await video.closeRoom('gone');
    egress.finishEgress(egressId);
    const state = await video.roomState('gone');
    expect(state).toMatchObject({ exists: false, participants: [] });
    expect(state.egresses).toEqual([expect.objectContaining({ egressId, status: 'complete', filePath: '/rec/gone.ogg' })]);
  });
});

describe('failures', () => {
  test('a wrong API secret: the server answers unauthenticated and the provider throws a permanent error', async () => {
    const error = await rejection(provider({ apiSecret: 'not-the-secret-0123456789abcdefghij' }).openRoom({ roomName: 'x', maxParticipants: 2, emptyTimeoutSeconds: 60 }));
    expect(error).toMatchObject({ status: 401, nonRetryable: true, operation: 'RoomService.CreateRoom' });
    expect(await serverRoom('x')).toBeUndefined();
  });

  test('a 503 from Egress surfaces as a retryable error, and the next attempt goes through', async () => {
    const video = provider();
    await video.openRoom({ roomName: 'flaky', maxParticipants: 2, emptyTimeoutSeconds: 60 });
    egress.failNext(1);

    const error = await rejection(video.startRecording('flaky', 'f.ogg'));
    expect(error).toMatchObject({ status: 503, code: 'unavailable', nonRetryable: false });
    await video.startRecording('flaky', 'f.ogg');
    // The SDK retries only on LiveKit Cloud hosts: one call for the failure, one for the success.
    expect(callsTo('StartRoomCompositeEgress').map((call) => call.status)).toEqual([503, 200]);
  });

  test('a dropped connection and a server that is down surface as retryable errors', async () => {
    egress.failNext(1, 'reset');
    const reset = await rejection(provider().stopRecording('EG_any'));
    expect(reset).toMatchObject({ status: undefined, nonRetryable: false, operation: 'Egress.StopEgress' });

    const stopped = await startLocalLiveKit();
    await stopped.stop();
    const refused = await rejection(provider({ url: stopped.url, apiKey: stopped.apiKey, apiSecret: stopped.apiSecret }).roomState('any'));
    expect(refused.message).toMatch(/ECONNREFUSED/);
    expect(refused).toMatchObject({ status: undefined, nonRetryable: false, operation: 'RoomService.ListRooms' });
  });
});

describe('webhooks', () => {
  test('the server signs what happens in a room: started, each join and leave, finished; WebhookReceiver verifies each', async () => {
    const video = provider();
    await video.openRoom({ roomName: 'hooked', maxParticipants: 4, emptyTimeoutSeconds: 300 });
    const before = Math.floor(Date.now() / 1000);
    const ann = await join(video, 'hooked', 'user-1', 'Ann');
    await waitFor('participant_joined', async () => (await eventsOf('hooked')).some((event) => event.event === 'participant_joined'), 10_000);
    await ann.leave();
    // The room's departure timeout is 1 s on this server: it finishes soon after the last person leaves.
    await waitFor('room_finished', async () => (await eventsOf('hooked')).some((event) => event.event === 'room_finished'), 15_000);

    const events = await eventsOf('hooked');
    expect(events.map((event) => event.event)).toEqual(['room_started', 'participant_joined', 'participant_left', 'room_finished']);
    const joined = events[1];
    expect(joined.participant).toMatchObject({ identity: 'user-1', name: 'Ann', state: ParticipantInfo_State.ACTIVE });
    expect(Number(joined.participant!.joinedAt)).toBeGreaterThanOrEqual(before - 1);
    expect(new Set(events.map((event) => event.id)).size).toBe(4);
    for (const event of events) expect(event.id).toMatch(/^EV_\w{12}$/);
  });

  test('a tampered body, a wrong secret, or a stale signature fail where the real signature passes', async () => {
    const delivery = deliveries.find((d) => JSON.parse(d.body).event === 'participant_joined')!;
    const receiver = new WebhookReceiver(livekit.apiKey, livekit.apiSecret);
    await expect(receiver.receive(delivery.body, delivery.authorization)).resolves.toMatchObject({ event: 'participant_joined' });
    await expect(receiver.receive(delivery.body.replace('Ann', 'Eve'), delivery.authorization)).rejects.toThrow(/sha256/);
    await expect(new WebhookReceiver(livekit.apiKey, 'a-different-secret-0123456789abcdef').receive(delivery.body, delivery.authorization)).rejects.toThrow();
    // What the Egress stand-in signs is what the server signs: the receiver takes both the same way.
    await expect(receiver.receive(delivery.body, signWebhook(delivery.body, livekit.apiKey, livekit.apiSecret))).resolves.toMatchObject({ event: 'participant_joined' });
    await expect(receiver.receive(delivery.body, signWebhook(delivery.body, livekit.apiKey, livekit.apiSecret, { now: new Date(Date.now() - 3_600_000) }))).rejects.toThrow();
  });

  test('a signed egress_ended body (stand-in) carries the file, its size and its duration in nanoseconds', async () => {
    const body = webhookEvent('egress_ended', {
      egress: { egressId: 'EG_abcdefghijkl', roomName: 'meetflow-r1', startedAt: new Date('2030-03-04T10:00:00Z'), endedAt: new Date('2030-03-04T10:30:00Z'), filepath: '/rec/r1.ogg', file: { size: 5_000_000 } },
    });
    const event = await new WebhookReceiver(livekit.apiKey, livekit.apiSecret).receive(body, signWebhook(body, livekit.apiKey, livekit.apiSecret));
    expect(event.event).toBe('egress_ended');
    expect(event.egressInfo).toMatchObject({ egressId: 'EG_abcdefghijkl', roomName: 'meetflow-r1', status: EgressStatus.EGRESS_COMPLETE });
    expect(event.egressInfo!.fileResults[0]).toMatchObject({ filename: '/rec/r1.ogg', size: 5_000_000n, duration: 1_800_000_000_000n });
  });
});
