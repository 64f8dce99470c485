import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitForPhase } from '../../clients/video-events';
import { Room } from '../../db/entities';
import { statusQuery, type MeetingStatus } from '../../workflows/messages';
import type { FakeEgressService } from '../fakes/livekit';
import { signUp, type TestApi } from '../helpers/api';
import { startLiveKitStack, type LiveKitStack } from '../helpers/livekit';
import { disposeParticipants } from '../helpers/livekit-server';
import { waitFor } from '../helpers/wait';

// A mixed (Egress) recording cannot leave one voice out (issue 17): once someone has declined there is none.
// A real LiveKit server, the Egress stand-in (Egress cannot be installed here).
let env: TestWorkflowEnvironment;
let stack: LiveKitStack;
let egress: FakeEgressService;
let api: TestApi;

beforeAll(async () => {
  stack = await startLiveKitStack('consent-egress', { RECORDING_OUTPUT: mkdtempSync(path.join(os.tmpdir(), 'meetflow-recordings-')) }, { departureTimeoutSeconds: 1 });
  ({ env, api, egress } = stack);
});

afterAll(async () => {
  await stack?.stop();
  await disposeParticipants();
});

const egressesOf = (roomName: string) => [...egress.egresses.values()].filter((e) => e.roomName === roomName);

async function recordedMeeting(title: string) {
  const host = await signUp(api, 'Eve Egress');
  const guest = await signUp(api, 'Nia Nope');
  const { meeting, workflowId } = (
    await api.call('POST', '/meetings', { token: host.token, body: { title, start: new Date(Date.now() + 4000).toISOString(), invitees: [guest.user.email], settings: { autoRecord: true, reminderMinutesBefore: 0 } } })
  ).body;
  const handle = env.client.workflow.getHandle(workflowId);
  // Invited (so the meeting is theirs to see) before it starts.
  await waitForPhase(handle, ['waiting']);
  return { host, guest, meeting, handle };
}

test('declined before the start: the meeting goes live without an Egress recording', async () => {
  const { host, guest, meeting, handle } = await recordedMeeting('No mixed recording');
  expect((await api.call('POST', `/meetings/${meeting.id}/consent`, { token: guest.token, body: { record: false } })).status).toBe(200);
  await waitForPhase(handle, ['live']);
  const roomName = (await stack.orm.em.fork().findOneOrFail(Room, meeting.id)).livekitRoomName;
  // Someone present means the live phase is past the point where it would have started the recording.
  await stack.join(meeting.id, host.token);
  await waitFor('the host to be present', async () => (await handle.query(statusQuery)).participants.some((p) => p.present), 15_000, 100);
  expect(egressesOf(roomName)).toEqual([]);
  await api.call('POST', `/meetings/${meeting.id}/end`, { token: host.token });
  expect((await handle.result()) as MeetingStatus).toMatchObject({ phase: 'completed', recordings: [], outcome: 'no recording: nothing to summarize' });
});

test('declined during an Egress recording: the recording stops', async () => {
  const { host, guest, meeting, handle } = await recordedMeeting('Stop the mixed recording');
  await waitForPhase(handle, ['live']);
  await waitFor('the recording to start', async () => (await handle.query(statusQuery)).recordings.length === 1, 15_000, 100);
  const roomName = (await stack.orm.em.fork().findOneOrFail(Room, meeting.id)).livekitRoomName;
  const [recording] = egressesOf(roomName);
  expect(recording.status).toMatch(/EGRESS_(STARTING|ACTIVE)/);

  expect((await api.call('POST', `/meetings/${meeting.id}/consent`, { token: guest.token, body: { record: false } })).status).toBe(200);
  expect(egressesOf(roomName).map((e) => [e.egressId, e.status])).toEqual([[recording.egressId, expect.stringMatching(/EGRESS_(ENDING|COMPLETE)/)]]);
  await api.call('POST', `/meetings/${meeting.id}/cancel`, { token: host.token, body: { reason: 'test over' } });
});
