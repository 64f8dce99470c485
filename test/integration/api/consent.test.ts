import type { MikroORM } from '@mikro-orm/postgresql';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { waitForPhase } from '../../../clients/video-events';
import { statusQuery } from '../../../workflows/messages';
import { type ApiStack, signUp, startApiStack, type TestApi } from '../../helpers/api';
import { formSessionCookie } from '../../helpers/browser';
import { unique } from '../../helpers/db';
import { testWorld } from '../../helpers/worker';

let env: TestWorkflowEnvironment;
let orm: MikroORM;
let stack: ApiStack;
let api: TestApi;
const world = testWorld('api-consent');

beforeAll(async () => {
  stack = await startApiStack(world);
  ({ env, orm, api } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

const query = <T extends object>(sql: string, params: unknown[]) => orm.em.fork().getConnection().execute<T[]>(sql, params);

async function meetingWith(guestEmail: string, hostToken: string): Promise<string> {
  const created = await api.call('POST', '/meetings', { token: hostToken, body: { title: 'Consent check', start: new Date(Date.now() + 3_600_000).toISOString(), invitees: [guestEmail] } });
  expect(created.status).toBe(201);
  await waitForPhase(env.client.workflow.getHandle(created.body.workflowId), ['waiting']);
  return created.body.meeting.id;
}

const consentRows = (meetingId: string) => query<{ user_id: string; record: boolean; event_id: string }>('select user_id, record, event_id from recording_consents where room_id = ?', [meetingId]);
const auditRows = (meetingId: string) =>
  query<{ actor_id: string; details: { record: boolean; eventId: string } }>(`select actor_id, details from audit_events where action = 'meeting.consent' and target_id = ? order by occurred_at`, [meetingId]);

test('an invitee declines: the workflow holds it (update with its event id in the history), the row and one audit row; the same event id again changes nothing', async () => {
  const host = await signUp(api, 'Hale Host');
  const guest = await signUp(api, 'Dana Decliner');
  const meetingId = await meetingWith(guest.user.email, host.token);
  const eventId = unique('consent-event');

  const declined = await api.call('POST', `/meetings/${meetingId}/consent`, { token: guest.token, body: { record: false, eventId } });
  expect(declined.status).toBe(200);
  expect(declined.body).toMatchObject({ duplicate: false, consent: { userId: guest.user.id, record: false, eventId } });

  const again = await api.call('POST', `/meetings/${meetingId}/consent`, { token: guest.token, body: { record: false, eventId } });
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ duplicate: true, consent: { userId: guest.user.id, record: false, eventId } });

  expect(await consentRows(meetingId)).toEqual([{ user_id: guest.user.id, record: false, event_id: eventId }]);
  expect(await auditRows(meetingId)).toEqual([{ actor_id: guest.user.id, details: expect.objectContaining({ record: false, eventId }) }]);

  const handle = env.client.workflow.getHandle(`meeting-${meetingId}`);
  expect((await handle.query(statusQuery)).consent).toEqual([expect.objectContaining({ userId: guest.user.id, record: false, eventId })]);
  const history = await handle.fetchHistory();
  const accepted = history.events!.filter((event) => event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'consent');
  const inputs = accepted.map((event) => JSON.parse(Buffer.from(event.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!.input!.args!.payloads![0].data!).toString('utf8')));
  // Both calls are in the history with the event id; only the first one changed the meeting.
  expect(inputs).toEqual([
    { userId: guest.user.id, record: false, eventId },
    { userId: guest.user.id, record: false, eventId },
  ]);

  // One mixed recording cannot leave her out: the host cannot bring one in.
  const upload = await fetch(`${api.url}/meetings/${meetingId}/recordings`, { method: 'POST', headers: { authorization: `Bearer ${host.token}`, 'content-type': 'audio/wav' }, body: new Uint8Array(64) });
  expect(upload.status).toBe(409);
  expect(((await upload.json()) as { detail: string }).detail).toContain('declined to be recorded');
  await api.call('POST', `/meetings/${meetingId}/cancel`, { token: host.token, body: { reason: 'test over' } });
});

test('a later decision (accept after a decline) replaces the earlier one; each has its own audit row', async () => {
  const host = await signUp(api, 'Hope Host');
  const guest = await signUp(api, 'Chris Changer');
  const meetingId = await meetingWith(guest.user.email, host.token);

  expect((await api.call('POST', `/meetings/${meetingId}/consent`, { token: guest.token, body: { record: false } })).status).toBe(200);
  const accepted = await api.call('POST', `/meetings/${meetingId}/consent`, { token: guest.token, body: { record: true } });
  expect(accepted.body).toMatchObject({ duplicate: false, consent: { record: true } });

  expect(await consentRows(meetingId)).toEqual([expect.objectContaining({ user_id: guest.user.id, record: true })]);
  expect((await auditRows(meetingId)).map((row) => row.details.record)).toEqual([false, true]);
  await api.call('POST', `/meetings/${meetingId}/cancel`, { token: host.token, body: { reason: 'test over' } });
});

test('a stranger gets 404, a bad body 400 that says what to send, and a meeting that is over 409', async () => {
  const host = await signUp(api, 'Hugo Host');
  const guest = await signUp(api, 'Gil Guest');
  const stranger = await signUp(api, 'Stan Stranger');
  const meetingId = await meetingWith(guest.user.email, host.token);

  expect((await api.call('POST', `/meetings/${meetingId}/consent`, { token: stranger.token, body: { record: false } })).status).toBe(404);
  for (const body of [{}, { record: 'no' }, { record: false, eventId: 'x'.repeat(201) }]) {
    const refused = await api.call('POST', `/meetings/${meetingId}/consent`, { token: guest.token, body });
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toMatch(/body\.(record|eventId)/);
  }
  expect((await api.call('POST', `/meetings/${meetingId}/consent`, { token: guest.token, body: {} })).body.detail).toContain('record must be true');
  expect(await consentRows(meetingId)).toEqual([]);
  expect(await auditRows(meetingId)).toEqual([]);

  await api.call('POST', `/meetings/${meetingId}/cancel`, { token: host.token, body: { reason: 'test over' } });
  const late = await api.call('POST', `/meetings/${meetingId}/consent`, { token: guest.token, body: { record: false } });
  expect(late.status).toBe(409);
  expect(late.body.detail).toMatch(/is over|cancelled/);
});

test("the join page's form posts the same decision (signed in by cookie); a form from another site is refused", async () => {
  const host = await signUp(api, 'Page Host');
  const guest = await signUp(api, 'Paula Page');
  const meetingId = await meetingWith(guest.user.email, host.token);
  const cookie = await formSessionCookie(api.url, guest.user.email);
  const post = (origin?: string) =>
    fetch(`${api.url}/meetings/${meetingId}/room/consent`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...(origin ? { origin } : {}) },
      body: new URLSearchParams({ record: 'false', eventId: unique('form-event') }),
    });

  expect((await post('https://evil.example')).status).toBe(403);
  expect(await consentRows(meetingId)).toEqual([]);
  const sent = await post();
  expect(sent.status).toBe(303);
  expect(sent.headers.get('location')).toBe(`/meetings/${meetingId}/room#recording-consent`);
  expect(await consentRows(meetingId)).toEqual([expect.objectContaining({ user_id: guest.user.id, record: false })]);
  await api.call('POST', `/meetings/${meetingId}/cancel`, { token: host.token, body: { reason: 'test over' } });
});
