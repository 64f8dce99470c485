import type { MikroORM } from '@mikro-orm/postgresql';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WebhookEvent } from '@livekit/protocol';
import { createHash, createHmac } from 'node:crypto';
import { waitForPhase } from '../../clients/video-events';
import { Room } from '../../db/entities';
import { statusQuery } from '../../workflows/messages';
import { signWebhook } from '../fakes/livekit';
import { signUp, type TestApi } from '../helpers/api';
import { startLiveKitStack, type LiveKitStack } from '../helpers/livekit';
import { disposeParticipants } from '../helpers/livekit-server';
import { waitFor } from '../helpers/wait';

// Hostile requests at POST /webhooks/livekit, the door LiveKit knocks on: whatever arrives, the answer is a clear
// 4xx (204 for a redelivered event, as LiveKit must not retry it), never a 5xx, and nothing changes: no row, no
// signal to the meeting. (test/e2e/livekit-meeting.test.ts covers a tampered body, a wrong secret, an unknown room.)
// The meeting runs on a real LiveKit server; the hostile requests are crafted here, with its key and secret.
let KEY: string;
let SECRET: string;
let env: TestWorkflowEnvironment;
let orm: MikroORM;
let stack: LiveKitStack;
let api: TestApi;
let post: LiveKitStack['postWebhook'];
let roomId: string;
let roomName: string;
let guestId: string;

beforeAll(async () => {
  stack = await startLiveKitStack('livekit-hostile');
  ({ env, orm, api, postWebhook: post } = stack);
  ({ apiKey: KEY, apiSecret: SECRET } = stack.livekit);
  const host = await signUp(api, 'Hana Host');
  const guest = await signUp(api, 'Gert Guest');
  guestId = guest.user.id;
  const created = await api.call('POST', '/meetings', { token: host.token, body: { title: 'Hostile webhooks', start: new Date(Date.now() + 500).toISOString(), invitees: [guest.user.email], settings: { reminderMinutesBefore: 0 } } });
  roomId = created.body.meeting.id;
  await waitForPhase(env.client.workflow.getHandle(created.body.workflowId), ['live']);
  roomName = (await orm.em.fork().findOneOrFail(Room, roomId)).livekitRoomName;
  // The guest really joins: the server's own signed participant_joined puts them in the room.
  await stack.join(roomId, guest.token);
  await waitFor('the guest to be in the room', async () => (await snapshot()).participants.includes(`${guestId}:joined`), 15_000, 50);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await disposeParticipants();
});

/** A participant_joined body as LiveKit writes it (protobuf JSON from @livekit/protocol's own types). */
const joined = (id: string, room = roomName) =>
  new WebhookEvent({ event: 'participant_joined', id, createdAt: BigInt(Math.floor(Date.now() / 1000)), room: { name: room }, participant: { identity: guestId, name: 'Gert Guest' } }).toJsonString();

/** Everything a webhook could change: the room's participant rows, the room row, its recordings, the workflow's view. */
async function snapshot() {
  const connection = orm.em.fork().getConnection();
  const rows = async (sql: string) => connection.execute<Record<string, unknown>[]>(sql, [roomId]);
  const status = await env.client.workflow.getHandle(`meeting-${roomId}`).query(statusQuery);
  return {
    participants: (await rows('select user_id, status, updated_at from participants where room_id = ? order by user_id')).map((r) => `${r.user_id}:${r.status}`),
    participantsUpdated: (await rows('select max(updated_at) as at from participants where room_id = ?'))[0].at,
    room: (await rows('select status, current_participants, updated_at from rooms where id = ?'))[0],
    recordings: (await rows('select count(*) as n from recordings where room_id = ?'))[0].n,
    workflow: { phase: status.phase, participants: status.participants.map((p) => `${p.identity}:${p.present}`), recordings: status.recordings.length },
  };
}

/** A JWT as LiveKit builds it, with claims of our choosing (node:crypto HS256). */
function jwt(claims: Record<string, unknown>, secret = SECRET) {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
const sha = (body: string) => createHash('sha256').update(body).digest('base64');

test('unsigned, badly signed, expired, foreign-key and malformed webhooks: 4xx, never 5xx, nothing changes', async () => {
  const body = joined('EV_hostile');
  const now = Math.floor(Date.now() / 1000);
  const malformed = '{"event":"participant_joined","room":{"name":';
  const cases: [string, string, string | null][] = [
    ['no Authorization header', body, null],
    ['an empty Authorization header', body, ''],
    ['garbage instead of a JWT', body, 'Bearer not.a.jwt'],
    ['a JWT with alg none', body, `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: KEY, sha256: sha(body), exp: now + 60 })).toString('base64url')}.`],
    ['signed with another secret', body, jwt({ iss: KEY, nbf: now, exp: now + 300, sha256: sha(body) }, 'another-secret-another-secret-another')],
    ['issued for another API key', body, jwt({ iss: 'APIsomeoneelse', nbf: now, exp: now + 300, sha256: sha(body) })],
    ['expired ten minutes ago', body, jwt({ iss: KEY, nbf: now - 900, exp: now - 600, sha256: sha(body) })],
    ['not valid yet', body, jwt({ iss: KEY, nbf: now + 600, exp: now + 900, sha256: sha(body) })],
    ['without the body hash', body, jwt({ iss: KEY, nbf: now, exp: now + 300 })],
    ['the hash of another body', body, jwt({ iss: KEY, nbf: now, exp: now + 300, sha256: sha(joined('EV_other')) })],
    ['correctly signed, but not JSON', malformed, signWebhook(malformed, KEY, SECRET)],
    ['correctly signed, an empty body', '', signWebhook('', KEY, SECRET)],
  ];
  const before = await snapshot();
  const answers: string[] = [];
  for (const [what, payload, authorization] of cases) {
    const response = await post(payload, authorization);
    answers.push(`${what}: ${response.status} ${response.body?.code}`);
  }
  // A bad or missing signature is 401; a signed body that is not an event is 400 or 401 (the receiver refuses it).
  expect(answers).toEqual(cases.map(([what]) => expect.stringMatching(new RegExp(`^${what}: ${what.startsWith('correctly signed') ? '40[01] (invalid_request|unauthenticated)' : '401 unauthenticated'}$`))));
  expect(await snapshot()).toEqual(before);
});

test('an event for a room nobody scheduled is 404; a body over 1 MB is 413; nothing changes', async () => {
  const before = await snapshot();
  const stranger = joined('EV_stranger', `${roomName}-not`);
  expect(await post(stranger)).toMatchObject({ status: 404, body: { code: 'not_found' } });
  const huge = JSON.stringify({ event: 'room_started', room: { name: roomName, metadata: 'x'.repeat(1_100_000) } });
  expect((await post(huge)).status).toBe(413);
  expect(await snapshot()).toEqual(before);
});

test('a correctly signed participant event without its participant is refused as 400, not a crash', async () => {
  const before = await snapshot();
  const body = JSON.stringify({ event: 'participant_joined', room: { name: roomName }, id: 'EV_noparticipant', createdAt: String(Math.floor(Date.now() / 1000)) });
  const response = await post(body);
  expect(response.status).toBe(400);
  expect(await snapshot()).toEqual(before);
});

test('a redelivered event (same id, signed again later) is accepted (204, so LiveKit stops) and changes nothing', async () => {
  expect((await post(joined('EV_once'))).status).toBe(204);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const before = await snapshot();
  expect((await post(joined('EV_once'))).status).toBe(204);
  // A signal, if one were sent, would be applied within a workflow task: give it time to show.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect(await snapshot()).toEqual(before);
});
