import type { MikroORM } from '@mikro-orm/postgresql';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { TokenVerifier } from 'livekit-server-sdk';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitForPhase } from '../../clients/video-events';
import { Participant, Recording, Room } from '../../db/entities';
import { statusQuery, type MeetingStatus } from '../../workflows/messages';
import { signWebhook, webhookEvent, type FakeLiveKit } from '../fakes/livekit';
import { apiDeps, signUp, startApi, type TestApi } from '../helpers/api';
import { startLiveKitStack, type LiveKitStack } from '../helpers/livekit';
import { vttOf } from '../helpers/meeting';
import { testWorld, type TestWorld } from '../helpers/worker';
import { waitFor } from '../helpers/wait';

// A meeting on LiveKit: the room is opened and recorded through the real SDK (against a Twirp stand-in), and
// LiveKit's signed webhooks, posted to the API exactly as LiveKit sends them, drive the meeting.
const KEY = 'APIkey123';
const SECRET = 'secret-that-is-long-enough-for-hs256-signing';
let env: TestWorkflowEnvironment;
let orm: MikroORM;
let stack: LiveKitStack;
let livekit: FakeLiveKit;
let api: TestApi;
let world: TestWorld;
let postWebhook: LiveKitStack['postWebhook'];

beforeAll(async () => {
  const recordings = mkdtempSync(path.join(os.tmpdir(), 'meetflow-recordings-'));
  stack = await startLiveKitStack('livekit', { apiKey: KEY, apiSecret: SECRET }, { RECORDING_OUTPUT: recordings });
  ({ env, orm, api, livekit, world, postWebhook } = stack);
});

afterAll(() => stack?.stop());

test('room opened and recorded on LiveKit, join tokens by role, webhooks drive the meeting to its summary', async () => {
  const host = await signUp(api, 'Lena Host');
  const guest = await signUp(api, 'Gabe Guest');
  const created = await api.call('POST', '/meetings', {
    token: host.token,
    body: { title: 'Video sync', start: new Date(Date.now() + 1000).toISOString(), invitees: [guest.user.email], settings: { autoRecord: true, reminderMinutesBefore: 0 } },
  });
  const { meeting, workflowId } = created.body;
  const handle = env.client.workflow.getHandle(workflowId);
  await waitForPhase(handle, ['live']);
  const roomName = (await orm.em.fork().findOneOrFail(Room, meeting.id)).livekitRoomName;

  // The room exists at LiveKit, with an audio-only recording running.
  await waitFor('the recording to start', () => (handle.query(statusQuery) as Promise<MeetingStatus>).then((s) => s.recordings.length === 1), 15_000, 100);
  expect(livekit.rooms.has(roomName)).toBe(true);
  const [egress] = [...livekit.egresses.values()];
  expect(egress).toBeDefined();

  // Join tokens: the host may administer and record, the guest publishes and subscribes.
  const hostJoin = (await api.call('GET', `/meetings/${meeting.id}/join`, { token: host.token })).body;
  const guestJoin = (await api.call('GET', `/meetings/${meeting.id}/join`, { token: guest.token })).body;
  const verifier = new TokenVerifier(KEY, SECRET);
  const hostClaims = await verifier.verify(hostJoin.token);
  const guestClaims = await verifier.verify(guestJoin.token);
  expect([hostClaims.sub, hostClaims.video?.room, hostClaims.video?.roomAdmin, hostClaims.video?.roomRecord]).toEqual([host.user.id, roomName, true, true]);
  expect([guestClaims.sub, guestClaims.name, guestClaims.video?.roomAdmin ?? false, guestClaims.video?.canPublish]).toEqual([guest.user.id, 'Gabe Guest', false, true]);

  // LiveKit's webhooks, signed as LiveKit signs them; one is delivered twice.
  const joined = webhookEvent('participant_joined', { room: { name: roomName }, participant: { identity: guest.user.id, name: 'Gabe Guest' } });
  expect((await postWebhook(joined)).status).toBe(204);
  expect((await postWebhook(joined)).status).toBe(204);
  expect((await postWebhook(webhookEvent('participant_joined', { room: { name: roomName }, participant: { identity: host.user.id, name: 'Lena Host' } }))).status).toBe(204);

  // Tampered body, wrong secret, unknown room: refused, and nothing changes.
  expect((await postWebhook(joined.replace('Gabe Guest', 'Mallory'), signWebhook(joined, KEY, SECRET))).status).toBe(401);
  expect((await postWebhook(joined, signWebhook(joined, KEY, 'not-the-secret-not-the-secret-not-the'))).status).toBe(401);
  const stranger = webhookEvent('participant_joined', { room: { name: 'no-such-room' }, participant: { identity: 'x' } });
  expect(await postWebhook(stranger)).toMatchObject({ status: 404, body: { code: 'not_found' } });
  const during = await handle.query(statusQuery);
  expect(during.participants.map((p) => p.identity).sort()).toEqual([guest.user.id, host.user.id].sort());

  // The host ends it; the room is deleted; the egress ends with its file (the sidecar transcript beside it).
  const audio = path.join(world.dataDir, `${roomName}.ogg`);
  writeFileSync(audio, '');
  writeFileSync(audio.replace(/\.ogg$/, '.vtt'), vttOf([['Lena Host', 'We decided to ship the video feature.'], ['Gabe Guest', 'I will record the demo by Friday.']]));
  expect((await api.call('POST', `/meetings/${meeting.id}/end`, { token: host.token })).status).toBe(200);
  expect(livekit.rooms.has(roomName)).toBe(false);
  for (const identity of [guest.user.id, host.user.id]) await postWebhook(webhookEvent('participant_left', { room: { name: roomName }, participant: { identity } }));
  await postWebhook(webhookEvent('egress_ended', { egress: { egressId: egress.egressId, roomName, status: 'EGRESS_COMPLETE', filepath: audio, file: { filename: audio, size: 12345, durationSeconds: 20 } } }));
  await postWebhook(webhookEvent('room_finished', { room: { name: roomName } }));

  const result = (await handle.result()) as MeetingStatus;
  expect(result).toMatchObject({ phase: 'completed', endReason: 'ended by the host', outcome: 'summarized 1 recording and delivered the results' });
  const recording = await orm.em.fork().findOneOrFail(Recording, { livekitRecordingId: egress.egressId });
  expect([recording.status, recording.filePath]).toEqual(['completed', audio]);
  const guestRow = await orm.em.fork().findOneOrFail(Participant, { room: meeting.id, user: guest.user.id });
  expect(guestRow.status).toBe('left');
  expect((await api.call('GET', `/meetings/${meeting.id}/summary`, { token: guest.token })).body.summary.decisions[0].text).toMatch(/ship the video feature/);
});

test('without LiveKit configured, join says so with what to set', async () => {
  const plain = await startApi(apiDeps(orm, env.connection, testWorld('no-livekit')));
  try {
    const host = await signUp(plain, 'Nora None');
    const { meeting } = (await plain.call('POST', '/meetings', { token: host.token, body: { title: 'No video', start: new Date(Date.now() + 3_600_000).toISOString() } })).body;
    const join = await plain.call('GET', `/meetings/${meeting.id}/join`, { token: host.token });
    expect([join.status, join.body.detail]).toEqual([409, 'This Meetflow has no video provider: set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET']);
    expect((await fetch(`${plain.url}/webhooks/livekit`, { method: 'POST', body: '{}' })).status).toBe(404);
  } finally {
    await plain.close();
  }
});

test('a dropped egress_ended webhook: the workflow asks LiveKit and finishes the recording anyway', async () => {
  const host = await signUp(api, 'Rita Reconcile');
  const { meeting, workflowId } = (
    await api.call('POST', '/meetings', {
      token: host.token,
      body: { title: 'Lost webhook', start: new Date(Date.now() + 1000).toISOString(), settings: { autoRecord: true, reminderMinutesBefore: 0, reconcileSeconds: 1 } },
    })
  ).body;
  const handle = env.client.workflow.getHandle(workflowId);
  await waitForPhase(handle, ['live']);
  await waitFor('the recording to start', () => (handle.query(statusQuery) as Promise<MeetingStatus>).then((s) => s.recordings.length === 1), 15_000, 100);
  const roomName = (await orm.em.fork().findOneOrFail(Room, meeting.id)).livekitRoomName;
  const egress = [...livekit.egresses.values()].find((e) => e.roomName === roomName)!;
  await postWebhook(webhookEvent('participant_joined', { room: { name: roomName }, participant: { identity: host.user.id, name: 'Rita Reconcile' } }));
  await api.call('POST', `/meetings/${meeting.id}/end`, { token: host.token });

  // The egress ends at LiveKit, but its webhook never arrives.
  const audio = egress.filepath;
  writeFileSync(audio, '');
  writeFileSync(audio.replace(/\.ogg$/, '.vtt'), vttOf([['Rita Reconcile', 'We agreed that lost webhooks must not lose meetings.']]));
  livekit.finishEgress(egress.egressId, { size: 100, durationSeconds: 10 });
  const recordingOf = () => orm.em.fork().findOneOrFail(Recording, { livekitRecordingId: egress.egressId });
  expect((await recordingOf()).status).toBe('recording');

  const result = (await handle.result()) as MeetingStatus;
  expect(result).toMatchObject({ phase: 'completed', recordings: [{ recordingId: egress.egressId, status: 'completed' }] });
  expect((await recordingOf()).status).toBe('completed');
});
