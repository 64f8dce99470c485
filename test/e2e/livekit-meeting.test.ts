import type { MikroORM } from '@mikro-orm/postgresql';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { TokenVerifier } from 'livekit-server-sdk';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitForPhase } from '../../clients/video-events';
import { Participant, Recording, Room } from '../../db/entities';
import { statusQuery, type MeetingStatus } from '../../workflows/messages';
import { signWebhook, webhookEvent, type FakeEgressService } from '../fakes/livekit';
import { apiDeps, signUp, startApi, type TestApi } from '../helpers/api';
import { startLiveKitStack, type LiveKitStack } from '../helpers/livekit';
import { disposeParticipants } from '../helpers/livekit-server';
import { vttOf } from '../helpers/meeting';
import { testWorld, type TestWorld } from '../helpers/worker';
import { waitFor } from '../helpers/wait';

// A meeting on a real LiveKit server: the room is opened through the real SDK, people join it as real WebRTC
// participants (rtc-node) with the tokens the API gives them, and the webhooks the server signs drive the meeting.
// Recording goes to the Egress stand-in (Egress cannot be installed here): its webhooks are posted as LiveKit would.
let env: TestWorkflowEnvironment;
let orm: MikroORM;
let stack: LiveKitStack;
let egress: FakeEgressService;
let api: TestApi;
let world: TestWorld;
let postWebhook: LiveKitStack['postWebhook'];

beforeAll(async () => {
  const recordings = mkdtempSync(path.join(os.tmpdir(), 'meetflow-recordings-'));
  stack = await startLiveKitStack('livekit', { RECORDING_OUTPUT: recordings }, { departureTimeoutSeconds: 1 });
  ({ env, orm, api, egress, world, postWebhook } = stack);
});

afterAll(async () => {
  await stack?.stop();
  await disposeParticipants();
});

const present = async (handle: { query: (q: typeof statusQuery) => Promise<MeetingStatus> }) =>
  (await handle.query(statusQuery)).participants.filter((p) => p.present).map((p) => p.identity).sort();

test('room opened on LiveKit, join tokens by role, the server\'s webhooks drive the meeting to its summary', async () => {
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

  // The room exists on the LiveKit server, with an audio-only recording running.
  await waitFor('the recording to start', () => (handle.query(statusQuery) as Promise<MeetingStatus>).then((s) => s.recordings.length === 1), 15_000, 100);
  expect(await stack.serverRoom(roomName)).toEqual({ name: roomName, participants: [] });
  const [recording] = [...egress.egresses.values()];
  expect(recording).toMatchObject({ roomName, audioOnly: true });

  // Join tokens: the host may administer and record, the guest publishes and subscribes.
  const hostJoin = (await api.call('GET', `/meetings/${meeting.id}/join`, { token: host.token })).body;
  const guestJoin = (await api.call('GET', `/meetings/${meeting.id}/join`, { token: guest.token })).body;
  const verifier = new TokenVerifier(stack.livekit.apiKey, stack.livekit.apiSecret);
  const hostClaims = await verifier.verify(hostJoin.token);
  const guestClaims = await verifier.verify(guestJoin.token);
  expect([hostClaims.sub, hostClaims.video?.room, hostClaims.video?.roomAdmin, hostClaims.video?.roomRecord]).toEqual([host.user.id, roomName, true, true]);
  expect([guestClaims.sub, guestClaims.name, guestClaims.video?.roomAdmin ?? false, guestClaims.video?.canPublish]).toEqual([guest.user.id, 'Gabe Guest', false, true]);
  expect(hostJoin.url).toBe(stack.livekit.url);

  // Both join the real room; the server's participant_joined webhooks tell the meeting.
  await stack.join(meeting.id, guest.token);
  await stack.join(meeting.id, host.token);
  expect((await stack.serverRoom(roomName))?.participants).toEqual([guest.user.id, host.user.id].sort());
  await waitFor('both to be present in the meeting', async () => (await present(handle)).length === 2, 15_000, 100);
  expect(await present(handle)).toEqual([guest.user.id, host.user.id].sort());

  // Tampered body, wrong secret, unknown room: refused, and nothing changes.
  const started = webhookEvent('egress_started', { egress: { egressId: recording.egressId, roomName } });
  const { apiKey, apiSecret } = stack.livekit;
  expect((await postWebhook(started.replace(roomName, `${roomName}x`), signWebhook(started, apiKey, apiSecret))).status).toBe(401);
  expect((await postWebhook(started, signWebhook(started, apiKey, 'not-the-secret-not-the-secret-not-the'))).status).toBe(401);
  expect(await postWebhook(webhookEvent('egress_started', { egress: { egressId: 'EG_stranger00000', roomName: 'no-such-room' } }))).toMatchObject({ status: 404, body: { code: 'not_found' } });

  // The host ends it: the room is deleted on the server (everyone is disconnected); the egress ends with its file.
  const audio = path.join(world.dataDir, `${roomName}.ogg`);
  writeFileSync(audio, '');
  writeFileSync(audio.replace(/\.ogg$/, '.vtt'), vttOf([['Lena Host', 'We decided to ship the video feature.'], ['Gabe Guest', 'I will record the demo by Friday.']]));
  expect((await api.call('POST', `/meetings/${meeting.id}/end`, { token: host.token })).status).toBe(200);
  expect(await stack.serverRoom(roomName)).toBeUndefined();
  egress.finishEgress(recording.egressId, { size: 12345, durationSeconds: 20 });
  await postWebhook(webhookEvent('egress_ended', { egress: { egressId: recording.egressId, roomName, filepath: audio, file: { filename: audio, size: 12345, durationSeconds: 20 } } }));

  const result = (await handle.result()) as MeetingStatus;
  expect(result).toMatchObject({ phase: 'completed', endReason: 'ended by the host', outcome: 'summarized 1 recording and delivered the results' });
  const row = await orm.em.fork().findOneOrFail(Recording, { livekitRecordingId: recording.egressId });
  expect([row.status, row.filePath]).toEqual(['completed', audio]);
  const guestRow = await orm.em.fork().findOneOrFail(Participant, { room: meeting.id, user: guest.user.id });
  expect(guestRow.status).toBe('left');
  expect((await api.call('GET', `/meetings/${meeting.id}/summary`, { token: guest.token })).body.summary.decisions[0].text).toMatch(/ship the video feature/);
});

test('everyone leaves: the server finishes the room and the meeting moves on by itself', async () => {
  const host = await signUp(api, 'Lea Leaver');
  const { meeting, workflowId } = (
    await api.call('POST', '/meetings', { token: host.token, body: { title: 'Short call', start: new Date(Date.now() + 1000).toISOString(), settings: { reminderMinutesBefore: 0 } } })
  ).body;
  const handle = env.client.workflow.getHandle(workflowId);
  await waitForPhase(handle, ['live']);
  const person = await stack.join(meeting.id, host.token);
  await waitFor('the host to be present', async () => (await present(handle)).length === 1, 15_000, 100);
  await person.leave();

  // This server's departure timeout is 1 s: room_finished follows, and the meeting ends without the host's button.
  const result = (await handle.result()) as MeetingStatus;
  expect(result).toMatchObject({ phase: 'completed', endReason: 'the room closed', outcome: 'no recording: nothing to summarize' });
  expect(result.participants).toEqual([expect.objectContaining({ identity: host.user.id, present: false })]);
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
  const recording = [...egress.egresses.values()].find((e) => e.roomName === roomName)!;
  await stack.join(meeting.id, host.token);
  await waitFor('the host to be present', async () => (await present(handle)).length === 1, 15_000, 100);
  await api.call('POST', `/meetings/${meeting.id}/end`, { token: host.token });

  // The egress ends, but its webhook never arrives.
  const audio = recording.filepath;
  writeFileSync(audio, '');
  writeFileSync(audio.replace(/\.ogg$/, '.vtt'), vttOf([['Rita Reconcile', 'We agreed that lost webhooks must not lose meetings.']]));
  egress.finishEgress(recording.egressId, { size: 100, durationSeconds: 10 });
  const recordingOf = () => orm.em.fork().findOneOrFail(Recording, { livekitRecordingId: recording.egressId });
  expect((await recordingOf()).status).toBe('recording');

  const result = (await handle.result()) as MeetingStatus;
  expect(result).toMatchObject({ phase: 'completed', recordings: [{ recordingId: recording.egressId, status: 'completed' }] });
  expect((await recordingOf()).status).toBe('completed');
});
