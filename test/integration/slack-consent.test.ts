import type { MikroORM } from '@mikro-orm/postgresql';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { waitForPhase } from '../../clients/video-events';
import { Room, User } from '../../db/entities';
import { ACTIONS } from '../../integrations/chat/slack-blocks';
import { statusQuery } from '../../workflows/messages';
import type { FakeSlackApi } from '../fakes/slack-api';
import { unique } from '../helpers/db';
import { buttonBody, commandBody, responsePosted, slackHeaders, startSlackBotStack, type SlackBotStack } from '../helpers/slack';

// "Don't record me" in the invite DM (issue 17): a meeting recorded by Meetflow's own recorder says so in the DM,
// and the invitee's click is their decision, through the same command as the API (workflow, row, audit).
const SECRET = 'slack-signing-secret-for-consent';
let env: TestWorkflowEnvironment;
let orm: MikroORM;
let slack: FakeSlackApi;
let bots: SlackBotStack;

beforeAll(async () => {
  // A LiveKit that is never reached (the meeting is tomorrow): enough for the meeting to be one that records.
  bots = await startSlackBotStack('slack-consent', SECRET, { LIVEKIT_URL: 'ws://127.0.0.1:9', LIVEKIT_API_KEY: 'devkey', LIVEKIT_API_SECRET: 'a-secret-that-is-long-enough-for-hs256', RECORDER: 'tracks' });
  ({ slack } = bots);
  ({ env, orm } = bots.stack);
});

afterAll(() => bots?.stop());

function slackPerson(name: string) {
  const id = unique('U').toUpperCase().replace(/-/g, '');
  slack.addUser({ id, name: name.toLowerCase(), real_name: name, tz: 'Europe/Berlin', email: `${id.toLowerCase()}@example.test` });
  return { id, name };
}

async function post(body: string) {
  const response = await fetch(bots.botUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackHeaders(body, SECRET) }, body });
  expect(response.status).toBe(200);
}

async function click(userId: string, actionId: string, value: string) {
  const id = unique('r');
  await post(buttonBody({ actionId, value, userId, responseUrl: slack.responseUrl(id) }));
  return responsePosted(slack, id);
}

test("the invite DM says the meeting is recorded and its Don't record me button records the invitee's decision", async () => {
  const host = slackPerson('Rhea Host');
  const guest = slackPerson('Quinn Quiet');
  const stranger = slackPerson('Otto Outside');
  const scheduled = unique('r');
  await post(commandBody({ text: `schedule Design review tomorrow 3pm with <@${guest.id}|quinn>`, userId: host.id, responseUrl: slack.responseUrl(scheduled) }));
  expect((await responsePosted(slack, scheduled)).text).toMatch(/^Scheduled "Design review"/);

  const hostUser = await orm.em.fork().findOneOrFail(User, { oauthProvider: 'slack', oauthId: host.id });
  const room = await orm.em.fork().findOneOrFail(Room, { host: hostUser.id, name: 'Design review' });
  await waitForPhase(env.client.workflow.getHandle(room.workflowId!), ['waiting']);
  const dm = slack.posted().find((call) => call.args.channel === `D${guest.id.replace(/^U/, '')}` && String(call.args.text).includes('Design review'));
  expect(String(dm?.args.text)).toMatch(/This meeting is recorded\.$/);
  const button = JSON.stringify(dm?.args.blocks).match(/"action_id":"consent_decline","value":"([^"]+)"/);
  expect(button?.[1]).toBe(room.id);

  // Someone not in the meeting learns nothing; the invitee's click is their decision.
  expect((await click(stranger.id, ACTIONS.consentDecline, room.id)).text).toContain(`No meeting ${room.id} among yours`);
  expect((await click(guest.id, ACTIONS.consentDecline, room.id)).text).toMatch(/You will not be recorded in this meeting/);

  const guestUser = await orm.em.fork().findOneOrFail(User, { oauthProvider: 'slack', oauthId: guest.id });
  const status = await env.client.workflow.getHandle(room.workflowId!).query(statusQuery);
  expect(status.consent).toEqual([expect.objectContaining({ userId: guestUser.id, record: false, eventId: expect.stringMatching(/^slack-/) })]);
  const rows = await orm.em.fork().getConnection().execute<{ record: boolean }[]>('select record from recording_consents where room_id = ? and user_id = ?', [room.id, guestUser.id]);
  expect(rows).toEqual([{ record: false }]);
  const audit = await orm.em.fork().getConnection().execute<{ actor_id: string; source: string }[]>(`select actor_id, source from audit_events where action = 'meeting.consent' and target_id = ?`, [room.id]);
  expect(audit).toEqual([{ actor_id: guestUser.id, source: 'slack' }]);
});
