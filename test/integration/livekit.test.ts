import { AccessToken, EgressStatus, ParticipantInfo_State, TokenVerifier, WebhookReceiver } from 'livekit-server-sdk';
import { LiveKitError, LiveKitVideoProvider, type LiveKitOptions } from '../../integrations/video/livekit';
import { signWebhook, startFakeLiveKit, webhookEvent, type FakeLiveKit } from '../fakes/livekit';

// Everything goes through the real livekit-server-sdk (Twirp JSON over fetch) to a fake LiveKit API on 127.0.0.1.

const API_KEY = 'APIMeetflowTest';
const API_SECRET = 'mVr3tq9Jd0cX7bN2pLk5sWz8yHf4gA1eRuQ6oTiM';

let fake: FakeLiveKit;

beforeEach(async () => {
  fake = await startFakeLiveKit({ apiKey: API_KEY, apiSecret: API_SECRET });
});

afterEach(async () => {
  await fake.close();
});

const provider = (options: Partial<LiveKitOptions> = {}) => new LiveKitVideoProvider({ url: fake.url, apiKey: API_KEY, apiSecret: API_SECRET, ...options });
const callsTo = (method: string) => fake.calls.filter((call) => call.method === method);

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

    const room = fake.rooms.get('meetflow-design-review');
    expect(room).toMatchObject({ name: 'meetflow-design-review', emptyTimeout: 300, maxParticipants: 8 });
    const [create] = callsTo('CreateRoom');
    expect(create).toMatchObject({ service: 'RoomService', status: 200, body: { name: 'meetflow-design-review', emptyTimeout: 300, maxParticipants: 8 } });
    expect(create.grant).toMatchObject({ roomCreate: true });

    await video.openRoom({ roomName: 'meetflow-design-review', maxParticipants: 8, emptyTimeoutSeconds: 300 });
    expect(callsTo('CreateRoom').map((call) => call.status)).toEqual([200, 200]);
    expect(fake.rooms.size).toBe(1);
    expect(fake.rooms.get('meetflow-design-review')!.sid).toBe(room!.sid);
  });

  test('the provider accepts LIVEKIT_URL as ws:// too', async () => {
    await provider({ url: fake.url.replace('http://', 'ws://') }).openRoom({ roomName: 'ws-room', maxParticipants: 2, emptyTimeoutSeconds: 60 });
    expect(fake.rooms.get('ws-room')).toMatchObject({ emptyTimeout: 60, maxParticipants: 2 });
  });

  test('closeRoom deletes the room, and closing a room that is gone succeeds', async () => {
    const video = provider();
    await video.openRoom({ roomName: 'to-close', maxParticipants: 4, emptyTimeoutSeconds: 300 });
    fake.addParticipant('to-close', { identity: 'user-1', name: 'Ann' });

    await video.closeRoom('to-close');
    expect(fake.rooms.has('to-close')).toBe(false);
    await video.closeRoom('to-close');
    await video.closeRoom('never-opened');

    const deletes = callsTo('DeleteRoom');
    expect(deletes.map((call) => [call.body.room, call.status, call.code])).toEqual([
      ['to-close', 200, undefined],
      ['to-close', 404, 'not_found'],
      ['never-opened', 404, 'not_found'],
    ]);
    expect(deletes[0].grant).toMatchObject({ roomCreate: true });
  });
});

describe('recordings', () => {
  test('startRecording starts an audio-only room composite egress to the file and returns its id', async () => {
    const video = provider();
    await video.openRoom({ roomName: 'recorded', maxParticipants: 4, emptyTimeoutSeconds: 300 });

    const egressId = await video.startRecording('recorded', '/recordings/recorded/2030-03-04.ogg');

    expect(egressId).toMatch(/^EG_\w{12}$/);
    expect(fake.egresses.get(egressId)).toMatchObject({ roomName: 'recorded', audioOnly: true, filepath: '/recordings/recorded/2030-03-04.ogg', status: 'EGRESS_ACTIVE' });
    const [start] = callsTo('StartRoomCompositeEgress');
    expect(start.service).toBe('Egress');
    expect(start.grant).toMatchObject({ roomRecord: true });
    expect(start.body).toMatchObject({ roomName: 'recorded', audioOnly: true, fileOutputs: [{ fileType: 'OGG', filepath: '/recordings/recorded/2030-03-04.ogg' }] });
    expect(start.body.videoOnly).toBeFalsy();
  });

  test('the file output follows the configured storage: a path template, S3 or GCS', async () => {
    await provider().openRoom({ roomName: 'stored', maxParticipants: 4, emptyTimeoutSeconds: 300 });

    await provider({ recordingOutput: { kind: 'file', pathTemplate: '/out/{room_name}/{path}' } }).startRecording('stored', 'a.ogg');
    await provider({
      recordingOutput: { kind: 's3', bucket: 'meetflow-rec', region: 'eu-west-1', accessKey: 'AKIA1', secret: 'shh', endpoint: 'https://minio.test:9000' },
    }).startRecording('stored', 'rooms/stored/b.mp3');
    await provider({ recordingOutput: { kind: 'gcs', bucket: 'meetflow-gcs', credentials: '{"type":"service_account"}' } }).startRecording('stored', 'c');

    const outputs = callsTo('StartRoomCompositeEgress').map((call) => call.body.fileOutputs);
    expect(outputs).toEqual([
      [{ fileType: 'OGG', filepath: '/out/{room_name}/a.ogg' }],
      [{ fileType: 'MP3', filepath: 'rooms/stored/b.mp3', s3: { accessKey: 'AKIA1', secret: 'shh', region: 'eu-west-1', endpoint: 'https://minio.test:9000', bucket: 'meetflow-rec' } }],
      [{ filepath: 'c', gcp: { credentials: '{"type":"service_account"}', bucket: 'meetflow-gcs' } }],
    ]);
  });

  test('recording a room that does not exist is a permanent error', async () => {
    const error = await rejection(provider().startRecording('no-such-room', 'x.ogg'));
    expect(error).toMatchObject({ status: 404, code: 'not_found', nonRetryable: true });
  });

  test('stopRecording stops the egress; stopping it again succeeds; an unknown egress is an error', async () => {
    const video = provider();
    await video.openRoom({ roomName: 'stopping', maxParticipants: 4, emptyTimeoutSeconds: 300 });
    const egressId = await video.startRecording('stopping', 'stop.ogg');

    await video.stopRecording(egressId);
    expect(fake.egresses.get(egressId)!.status).toBe('EGRESS_ENDING');
    await video.stopRecording(egressId);
    fake.finishEgress(egressId);
    await video.stopRecording(egressId);
    expect(callsTo('StopEgress').map((call) => [call.body.egressId, call.status, call.code])).toEqual([
      [egressId, 200, undefined],
      [egressId, 412, 'failed_precondition'],
      [egressId, 412, 'failed_precondition'],
    ]);

    const error = await rejection(video.stopRecording('EG_unknown00000'));
    expect(error).toMatchObject({ status: 404, code: 'not_found' });
  });
});

describe('join tokens', () => {
  const verifier = new TokenVerifier(API_KEY, API_SECRET);

  test('a host may join, publish, administer and record the room', async () => {
    const { token, url } = await provider({ url: 'https://lk.meetflow.test' }).joinToken({
      roomName: 'meetflow-r1',
      identity: 'user-host',
      name: 'Olga Host',
      role: 'host',
      ttlSeconds: 3600,
    });

    expect(url).toBe('wss://lk.meetflow.test');
    const claims = await verifier.verify(token);
    expect(claims).toMatchObject({ iss: API_KEY, sub: 'user-host', name: 'Olga Host' });
    expect(claims.video).toEqual({
      roomJoin: true,
      room: 'meetflow-r1',
      roomAdmin: true,
      roomRecord: true,
      canPublish: true,
      canSubscribe: true,
      canPublishData: true,
    });
    expect(claims.exp! - claims.nbf!).toBe(3600);
    expect(Math.abs(claims.nbf! - Date.now() / 1000)).toBeLessThan(5);
  });

  test('a participant may join and publish, but neither administer nor record', async () => {
    const { token, url } = await provider({ url: fake.url.replace('http://', 'ws://') }).joinToken({
      roomName: 'meetflow-r1',
      identity: 'user-guest',
      name: 'Ann Guest',
      role: 'participant',
      ttlSeconds: 900,
    });

    expect(url).toBe(fake.url.replace('http://', 'ws://'));
    const claims = await verifier.verify(token);
    expect(claims).toMatchObject({ sub: 'user-guest', name: 'Ann Guest' });
    expect(claims.video).toEqual({ roomJoin: true, room: 'meetflow-r1', canPublish: true, canSubscribe: true, canPublishData: true });
    expect(claims.exp! - claims.nbf!).toBe(900);
    await expect(new TokenVerifier(API_KEY, 'another-secret-entirely-0123456789').verify(token)).rejects.toThrow();
  });
});

describe('room state', () => {
  test('roomState reports who is in the room (not the recorder) and the recordings with their files', async () => {
    const video = provider();
    await video.openRoom({ roomName: 'state', maxParticipants: 4, emptyTimeoutSeconds: 300 });
    const joinedAt = new Date('2030-03-04T10:01:02.345Z');
    fake.addParticipant('state', { identity: 'user-1', name: 'Ann', joinedAt });
    fake.addParticipant('state', { identity: 'user-2', name: 'Bob', joinedAt: new Date('2030-03-04T10:02:00Z') });
    const finished = await video.startRecording('state', '/rec/state-1.ogg');
    const running = await video.startRecording('state', '/rec/state-2.ogg');
    fake.finishEgress(finished, { size: 48_000, durationSeconds: 61.5, location: 's3://bucket/rec/state-1.ogg' });

    const state = await video.roomState('state');

    expect(state.exists).toBe(true);
    expect(state.participants).toEqual([
      { identity: 'user-1', name: 'Ann', joinedAt: '2030-03-04T10:01:02.345Z' },
      { identity: 'user-2', name: 'Bob', joinedAt: '2030-03-04T10:02:00.000Z' },
    ]);
    expect(fake.rooms.get('state')!.participants.has(running)).toBe(true);
    const byId = new Map(state.egresses.map((egress) => [egress.egressId, egress]));
    expect(byId.get(finished)).toMatchObject({
      status: 'complete',
      filePath: '/rec/state-1.ogg',
      fileUrl: 's3://bucket/rec/state-1.ogg',
      fileSize: 48_000,
      durationSeconds: 61.5,
    });
    expect(Date.parse(byId.get(finished)!.endedAt!)).toBeGreaterThan(Date.now() - 10_000);
    expect(byId.get(running)).toMatchObject({ status: 'active', filePath: '/rec/state-2.ogg' });
    expect(byId.get(running)!.endedAt).toBeUndefined();
    expect(byId.get(running)!.startedAt).toBeDefined();

    const grants = Object.fromEntries(fake.calls.filter((call) => call.method.startsWith('List')).map((call) => [call.method, call.grant]));
    expect(grants).toEqual({
      ListRooms: expect.objectContaining({ roomList: true }),
      ListParticipants: expect.objectContaining({ roomAdmin: true, room: 'state' }),
      ListEgress: expect.objectContaining({ roomRecord: true }),
    });
    expect(callsTo('ListEgress')[0].body).toEqual({ roomName: 'state' });
  });

  test('a room that is gone reports no participants but still its recordings', async () => {
    const video = provider();
    await video.openRoom({ roomName: 'gone', maxParticipants: 4, emptyTimeoutSeconds: 300 });
    const egressId = await video.startRecording('gone', '/rec/gone.ogg');
    fake.addParticipant('gone', { identity: 'user-1', name: 'Ann' });
    await video.closeRoom('gone');

    const state = await video.roomState('gone');

    expect(state).toMatchObject({ exists: false, participants: [] });
    expect(state.egresses).toEqual([expect.objectContaining({ egressId, status: 'complete', filePath: '/rec/gone.ogg' })]);
    expect(callsTo('ListParticipants')).toHaveLength(0);
  });
});

describe('failures', () => {
  test('a wrong API secret: LiveKit answers unauthenticated and the provider throws a permanent error', async () => {
    const error = await rejection(provider({ apiSecret: 'not-the-secret-0123456789abcdefghij' }).openRoom({ roomName: 'x', maxParticipants: 2, emptyTimeoutSeconds: 60 }));

    expect(error).toMatchObject({ status: 401, code: 'unauthenticated', nonRetryable: true, operation: 'RoomService.CreateRoom' });
    expect(fake.calls).toEqual([expect.objectContaining({ method: 'CreateRoom', status: 401, code: 'unauthenticated' })]);
    expect(fake.rooms.size).toBe(0);
  });

  test('the fake refuses tokens without the grant the method needs, as LiveKit does', async () => {
    const post = async (method: string, body: unknown, grant: Record<string, unknown>) => {
      const token = new AccessToken(API_KEY, API_SECRET, { identity: 'someone', ttl: 60 });
      token.addGrant(grant);
      const response = await fetch(`${fake.url}/twirp/livekit.RoomService/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${await token.toJwt()}` },
        body: JSON.stringify(body),
      });
      return { status: response.status, json: (await response.json()) as { code?: string } };
    };

    expect(await post('CreateRoom', { name: 'r' }, { roomJoin: true, room: 'r' })).toMatchObject({ status: 401, json: { code: 'unauthenticated' } });
    expect(await post('ListParticipants', { room: 'r' }, { roomAdmin: true, room: 'other' })).toMatchObject({ status: 401, json: { code: 'unauthenticated' } });
    expect(await post('CreateRoom', { name: 'r' }, { roomCreate: true })).toMatchObject({ status: 200, json: { name: 'r' } });
    const unsigned = await fetch(`${fake.url}/twirp/livekit.RoomService/ListRooms`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(unsigned.status).toBe(401);
  });

  test('a 503 surfaces as a retryable error, and the next attempt goes through', async () => {
    const video = provider();
    fake.failNext(1);

    const error = await rejection(video.openRoom({ roomName: 'flaky', maxParticipants: 2, emptyTimeoutSeconds: 60 }));
    expect(error).toMatchObject({ status: 503, code: 'unavailable', nonRetryable: false });
    expect(fake.rooms.has('flaky')).toBe(false);

    await video.openRoom({ roomName: 'flaky', maxParticipants: 2, emptyTimeoutSeconds: 60 });
    expect(fake.rooms.has('flaky')).toBe(true);
    // The SDK retries only on LiveKit Cloud hosts: one call for the failure, one for the success.
    expect(callsTo('CreateRoom').map((call) => call.status)).toEqual([503, 200]);
  });

  test('a dropped connection and a refused one surface as retryable errors', async () => {
    const video = provider();
    fake.failNext(1, 'reset');
    const reset = await rejection(video.closeRoom('any'));
    expect(reset).toMatchObject({ status: undefined, nonRetryable: false, operation: 'RoomService.DeleteRoom' });

    const stopped = await startFakeLiveKit({ apiKey: API_KEY, apiSecret: API_SECRET });
    await stopped.close();
    const refused = await rejection(provider({ url: stopped.url }).roomState('any'));
    expect(refused.message).toMatch(/ECONNREFUSED/);
    expect(refused).toMatchObject({ status: undefined, nonRetryable: false, operation: 'RoomService.ListRooms' });
  });
});

describe('webhooks', () => {
  const receiver = new WebhookReceiver(API_KEY, API_SECRET);

  test('a signed participant_joined body passes WebhookReceiver and decodes to what LiveKit sends', async () => {
    const joinedAt = new Date('2030-03-04T10:01:02.345Z');
    const body = webhookEvent('participant_joined', {
      room: { sid: 'RM_abcdefghijkl', name: 'meetflow-r1', maxParticipants: 8 },
      participant: { sid: 'PA_abcdefghijkl', identity: 'user-1', name: 'Ann', joinedAt },
      id: 'EV_abcdefghijkl',
      createdAt: new Date('2030-03-04T10:01:03Z'),
    });

    expect(JSON.parse(body)).toMatchObject({
      event: 'participant_joined',
      room: { sid: 'RM_abcdefghijkl', name: 'meetflow-r1', maxParticipants: 8 },
      participant: { sid: 'PA_abcdefghijkl', identity: 'user-1', name: 'Ann', state: 'ACTIVE', joinedAt: '1898848862', joinedAtMs: '1898848862345' },
      id: 'EV_abcdefghijkl',
      createdAt: '1898848863',
    });
    const event = await receiver.receive(body, signWebhook(body, API_KEY, API_SECRET));
    expect(event.event).toBe('participant_joined');
    expect(event.id).toBe('EV_abcdefghijkl');
    expect(event.createdAt).toBe(1898848863n);
    expect(event.room?.name).toBe('meetflow-r1');
    expect(event.participant).toMatchObject({ identity: 'user-1', name: 'Ann', joinedAt: 1898848862n, state: ParticipantInfo_State.ACTIVE });
  });

  test('a signed egress_ended body carries the file, its size and its duration in nanoseconds', async () => {
    const body = webhookEvent('egress_ended', {
      egress: {
        egressId: 'EG_abcdefghijkl',
        roomName: 'meetflow-r1',
        startedAt: new Date('2030-03-04T10:00:00Z'),
        endedAt: new Date('2030-03-04T10:30:00Z'),
        filepath: '/rec/r1.ogg',
        file: { size: 5_000_000 },
      },
    });

    expect(JSON.parse(body).egressInfo).toMatchObject({
      egressId: 'EG_abcdefghijkl',
      roomName: 'meetflow-r1',
      status: 'EGRESS_COMPLETE',
      fileResults: [{ filename: '/rec/r1.ogg', size: '5000000', duration: '1800000000000' }],
    });
    const event = await receiver.receive(body, signWebhook(body, API_KEY, API_SECRET));
    expect(event.event).toBe('egress_ended');
    expect(event.egressInfo).toMatchObject({ egressId: 'EG_abcdefghijkl', roomName: 'meetflow-r1', status: EgressStatus.EGRESS_COMPLETE });
    expect(event.egressInfo!.fileResults[0]).toMatchObject({ filename: '/rec/r1.ogg', size: 5_000_000n, duration: 1_800_000_000_000n });
    expect(event.egressInfo!.endedAt).toBe(1_898_850_600_000_000_000n);
  });

  test.each(['room_started', 'room_finished', 'participant_left', 'participant_connection_aborted', 'egress_started'] as const)('a signed %s body passes WebhookReceiver', async (name) => {
    const body = webhookEvent(name, {
      room: { name: 'meetflow-r1' },
      participant: { identity: 'user-1', name: 'Ann' },
      egress: { egressId: 'EG_abcdefghijkl', roomName: 'meetflow-r1', filepath: '/rec/r1.ogg' },
    });
    const event = await receiver.receive(body, signWebhook(body, API_KEY, API_SECRET));
    expect(event.event).toBe(name);
    expect(event.id).toMatch(/^EV_\w{12}$/);
    // Each event carries only what LiveKit puts on it.
    const json = JSON.parse(body);
    expect(Object.keys(json).sort()).toEqual(
      name.startsWith('egress_')
        ? ['createdAt', 'egressInfo', 'event', 'id']
        : name.startsWith('participant_')
          ? ['createdAt', 'event', 'id', 'participant', 'room']
          : ['createdAt', 'event', 'id', 'room'],
    );
    if (name === 'participant_left') expect(json.participant).toMatchObject({ state: 'DISCONNECTED', disconnectReason: 'CLIENT_INITIATED' });
    if (name === 'egress_started') expect(json.egressInfo).toMatchObject({ status: 'EGRESS_ACTIVE', roomComposite: { roomName: 'meetflow-r1', audioOnly: true } });
  });

  test('a tampered body, a wrong secret, or a stale signature fail', async () => {
    const body = webhookEvent('room_finished', { room: { name: 'meetflow-r1' } });
    const header = signWebhook(body, API_KEY, API_SECRET);

    await expect(receiver.receive(body.replace('meetflow-r1', 'meetflow-r2'), header)).rejects.toThrow(/sha256/);
    await expect(receiver.receive(body, signWebhook(body, API_KEY, 'a-different-secret-0123456789abcdef'))).rejects.toThrow();
    await expect(receiver.receive(body, signWebhook(body, 'APIOtherKey', API_SECRET))).rejects.toThrow();
    await expect(receiver.receive(body, signWebhook(body, API_KEY, API_SECRET, { now: new Date(Date.now() - 3_600_000) }))).rejects.toThrow();
    await expect(receiver.receive(body, header)).resolves.toMatchObject({ event: 'room_finished' });
  });
});
