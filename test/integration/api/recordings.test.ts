import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { readFileSync } from 'node:fs';
import { waitForPhase } from '../../../clients/video-events';
import { wordErrorRate } from '../../../bench/lib/wer';
import type { RecordingPipelineResult } from '../../../workflows/recording-pipeline';
import { type ApiStack, signUp, startApiStack, type TestApi } from '../../helpers/api';
import { monologue, speechDir } from '../../helpers/speech';
import { testWorld } from '../../helpers/worker';

// The pipeline runs the real local model on real speech: seconds per step on a shared machine.
jest.setTimeout(420_000);

let env: TestWorkflowEnvironment;
let stack: ApiStack;
let api: TestApi;
// A small upload limit, so the 413 is tested without sending half a gigabyte.
const world = testWorld('api-recordings', { UPLOAD_MAX_MB: '1', TRANSCRIPTION_PROVIDER: 'auto', GOOGLE_APPLICATION_CREDENTIALS: '', GOOGLE_SPEECH_ENDPOINT: '' });

beforeAll(async () => {
  stack = await startApiStack(world);
  ({ env, api } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

async function upload(meetingId: string, token: string, body: Buffer | string, contentType = 'audio/wav', headers: Record<string, string> = {}) {
  const response = await fetch(`${api.url}/meetings/${meetingId}/recordings`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': contentType, ...headers }, body });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function meetingWith(hostToken: string, inviteeEmail: string): Promise<string> {
  const response = await api.call('POST', '/meetings', { token: hostToken, body: { title: 'Office planning', start: new Date(Date.now() + 3_600_000).toISOString(), durationMinutes: 30, invitees: [inviteeEmail] } });
  expect(response.status).toBe(201);
  // Invitations are written by the workflow: once it waits, the invitee is part of the meeting.
  await waitForPhase(env.client.workflow.getHandle(response.body.workflowId), ['waiting']);
  return response.body.meeting.id;
}

test('a host uploads a recording made elsewhere: it is transcribed, summarized and delivered', async () => {
  expect(world.providers.transcription.name).toBe('local');
  const host = await signUp(api, 'Uma Uploader');
  const guest = await signUp(api, 'Gil Guest');
  const meetingId = await meetingWith(host.token, guest.user.email);
  const { file, text } = await monologue(speechDir('upload'), 'ada');

  const response = await upload(meetingId, host.token, readFileSync(file), 'audio/wav', { 'idempotency-key': 'team-call-1' });
  expect(response.status).toBe(202);
  // The client retries (a timeout on its side): the same recording and pipeline, nothing made twice.
  const retried = await upload(meetingId, host.token, readFileSync(file), 'audio/wav', { 'idempotency-key': 'team-call-1' });
  expect([retried.status, retried.body.recording.id, retried.body.workflowId]).toEqual([202, response.body.recording.id, response.body.workflowId]);
  expect(response.body).toMatchObject({ format: 'wav', recording: { status: 'completed', providerId: expect.stringMatching(/^upload-/) }, workflowId: expect.stringMatching(new RegExp(`^meeting-${meetingId}-recording-upload-`)) });

  const result: RecordingPipelineResult = await env.client.workflow.getHandle(response.body.workflowId).result();
  expect(result.delivered).toBeGreaterThan(0);
  const transcript = await api.call('GET', `/meetings/${meetingId}/transcript`, { token: host.token });
  expect(transcript.status).toBe(200);
  expect(wordErrorRate(text, transcript.body.transcript.text.replace(/^[^:\n]+: /gm, ''))).toBeLessThan(0.1);
  expect(transcript.body.transcript.text).toContain('support team in London');
  const summary = await api.call('GET', `/meetings/${meetingId}/summary`, { token: guest.token });
  expect(summary.status).toBe(200);
  const recordings = await api.call('GET', `/meetings/${meetingId}/recordings`, { token: host.token });
  expect(recordings.body.recordings.map((recording: { providerId: string }) => recording.providerId)).toEqual([response.body.recording.providerId]);
  await api.call('POST', `/meetings/${meetingId}/cancel`, { token: host.token, body: { reason: 'test over' } });
});

test('uploads that cannot be taken are 4xx answers that say what to send', async () => {
  const host = await signUp(api, 'Rae Refused');
  const guest = await signUp(api, 'Nia Notthehost');
  const stranger = await signUp(api, 'Sol Stranger');
  const meetingId = await meetingWith(host.token, guest.user.email);
  const wavHeader = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVEfmt ')]);

  const byGuest = await upload(meetingId, guest.token, wavHeader);
  expect([byGuest.status, byGuest.body.detail]).toEqual([403, 'only the host (Rae Refused) can add a recording to "Office planning"']);
  expect((await upload(meetingId, stranger.token, wavHeader)).status).toBe(404);

  const notAudio = await upload(meetingId, host.token, 'these are the minutes, typed up by hand', 'text/plain');
  expect([notAudio.status, notAudio.body.detail]).toEqual([415, 'The body is not a recording this server reads: send WAV, Ogg (Opus), MP3, FLAC, WebM or M4A audio']);
  const tooBig = await upload(meetingId, host.token, Buffer.concat([wavHeader, Buffer.alloc(1_200_000)]));
  expect([tooBig.status, tooBig.body.detail]).toEqual([413, 'The recording is larger than the 1 MB this server accepts (UPLOAD_MAX_MB)']);
  const empty = await upload(meetingId, host.token, Buffer.alloc(0));
  expect([empty.status, empty.body.detail]).toEqual([400, 'The body is empty: send the audio file itself as the request body']);
  const form = await upload(meetingId, host.token, '--x\r\n', 'multipart/form-data; boundary=x');
  expect(form.status).toBe(415);
  expect(form.body.detail).toContain('--data-binary');

  const recordings = await api.call('GET', `/meetings/${meetingId}/recordings`, { token: host.token });
  expect(recordings.body.recordings).toEqual([]);
  await api.call('POST', `/meetings/${meetingId}/cancel`, { token: host.token, body: { reason: 'test over' } });
});
