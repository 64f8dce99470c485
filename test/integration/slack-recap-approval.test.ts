import type { MikroORM } from '@mikro-orm/postgresql';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { scheduleMeeting } from '../../clients/meetings';
import { MeetingEvents, waitForPhase } from '../../clients/video-events';
import { MeetingSummary, User, type UserEntity } from '../../db/entities';
import { ACTIONS } from '../../integrations/chat/slack-blocks';
import type { MeetingStatus } from '../../workflows/messages';
import type { FakeSlackApi } from '../fakes/slack-api';
import { unique } from '../helpers/db';
import { vttOf } from '../helpers/meeting';
import { buttonBody, payloadBody, slackHeaders, startSlackBotStack, type SlackBotStack } from '../helpers/slack';
import { waitFor } from '../helpers/wait';
import type { TestWorld } from '../helpers/worker';

// The host's Approve / Edit / Discard in Slack: Bolt for real over signed HTTP, the worker's DMs and the bot's
// replies through the Slack API stand-in, Temporal and PostgreSQL real.
const SECRET = 'slack-signing-secret-for-recap-tests';
let bots: SlackBotStack;
let slack: FakeSlackApi;
let env: TestWorkflowEnvironment;
let orm: MikroORM;
let world: TestWorld;

beforeAll(async () => {
  bots = await startSlackBotStack('slack-recap', SECRET);
  ({ slack, world } = bots);
  ({ env, orm } = bots.stack);
}, 120_000);

afterAll(() => bots?.stop());

/** A Slack user Meetflow already knows (signed in with Slack before). */
async function slackPerson(name: string): Promise<UserEntity> {
  const id = unique('U').toUpperCase().replace(/-/g, '');
  const email = `${id.toLowerCase()}@example.test`;
  slack.addUser({ id, name: name.toLowerCase(), real_name: name, tz: 'UTC', email });
  const em = orm.em.fork();
  const user = em.create(User, { email, name, oauthProvider: 'slack', oauthId: id });
  await em.flush();
  return user;
}

const dmChannel = (user: UserEntity) => `D${user.oauthId!.replace(/^U/, '')}`;
const dmsTo = (user: UserEntity) => slack.messages.filter((m) => m.channel === dmChannel(user));
const recapsTo = (user: UserEntity) => dmsTo(user).filter((m) => /^Summary of "Roadmap sync"/.test(m.text));

/** A meeting with approval on, played until its draft recap sits in the host's DMs. */
async function meetingAwaitingApproval(host: UserEntity, guest: UserEntity) {
  const { room, workflowId } = await scheduleMeeting(
    { em: orm.em.fork(), temporal: env.client, cfg: world.cfg, taskQueue: world.taskQueue },
    { host, title: 'Roadmap sync', start: new Date(Date.now() + 1000), durationMinutes: 30, invitees: [{ email: guest.email, userId: guest.id }], settings: { reminderMinutesBefore: 0, approval: 'on' } },
  );
  const handle = env.client.workflow.getHandle(workflowId);
  const events = new MeetingEvents(handle);
  await waitForPhase(handle, ['live']);
  for (const person of [host, guest]) await events.join(person.id);
  const recordingId = unique('EG');
  await events.startRecording(recordingId);
  const audio = path.join(world.dataDir, `${recordingId}.ogg`);
  writeFileSync(audio, '');
  writeFileSync(path.join(world.dataDir, `${recordingId}.vtt`), vttOf([[host.name, 'We agreed to ship the roadmap on Tuesday.'], [guest.name, 'I will update the roadmap slides by Friday.']]));
  for (const person of [host, guest]) await events.leave(person.id);
  await events.finishRoom();
  await events.finishRecording(recordingId, { filePath: audio });
  await waitFor('the draft in the host\'s DMs', () => dmsTo(host).some((m) => /^Draft recap of "Roadmap sync"/.test(m.text)), 60_000, 200);
  return { room, handle, draft: dmsTo(host).find((m) => /^Draft recap/.test(m.text))! };
}

async function post(body: string) {
  return fetch(bots.botUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackHeaders(body, SECRET) }, body });
}

async function press(user: UserEntity, actionId: string, value: string): Promise<string> {
  const id = unique('r');
  expect((await post(buttonBody({ actionId, value, userId: user.oauthId!, responseUrl: slack.responseUrl(id) }))).status).toBe(200);
  return id;
}

async function click(user: UserEntity, actionId: string, value: string): Promise<{ text: string }> {
  const id = await press(user, actionId, value);
  let found: { body: { text: string } } | undefined;
  await waitFor('the reply to the click', () => Boolean((found = slack.responses.find((r) => r.path === `/respond/${id}`))), 15_000, 50);
  return found!.body;
}

function submitEdit(user: UserEntity, roomId: string, summary: string, decisions: string) {
  const values = { summary: { value: { type: 'plain_text_input', value: summary } }, decisions: { value: { type: 'plain_text_input', value: decisions } } };
  return post(payloadBody({ type: 'view_submission', user: { id: user.oauthId, team_id: 'T1' }, view: { id: 'V1', callback_id: 'recap_edit_modal', type: 'modal', private_metadata: roomId, state: { values } } }));
}

test('the draft reaches the host with Approve / Edit / Discard; a guest cannot press them; Approve sends everyone the recap, once', async () => {
  const host = await slackPerson('Hugo Host');
  const guest = await slackPerson('Greta Guest');
  const { room, handle, draft } = await meetingAwaitingApproval(host, guest);

  const buttons = JSON.stringify(draft.blocks);
  for (const action of [ACTIONS.recapApprove, ACTIONS.recapEdit, ACTIONS.recapDiscard]) expect(buttons).toContain(`"action_id":"${action}","value":"${room.id}"`);
  expect(buttons).toMatch(/update the roadmap slides.*Greta Guest/i);
  expect(recapsTo(guest)).toEqual([]);
  expect(recapsTo(host)).toEqual([]);

  expect((await click(guest, ACTIONS.recapApprove, room.id)).text).toMatch(/only the host \(Hugo Host\) can approve/);
  expect((await click(host, ACTIONS.recapApprove, room.id)).text).toBe(':white_check_mark: Approved: everyone who joined "Roadmap sync" gets the recap now.');
  expect(((await handle.result()) as MeetingStatus).outcome).toBe('summarized 1 recording and delivered the results');
  expect(recapsTo(guest)).toHaveLength(1);
  expect(recapsTo(host)).toHaveLength(1);
  expect((await click(host, ACTIONS.recapApprove, room.id)).text).toMatch(/nothing awaits approval/);
  expect(recapsTo(guest)).toHaveLength(1);
});

test('Edit opens a form with the draft; an empty summary is refused in the form; a saved edit is a new version everyone gets', async () => {
  const host = await slackPerson('Hilde Host');
  const guest = await slackPerson('Gero Guest');
  const { room, handle } = await meetingAwaitingApproval(host, guest);

  const opened = slack.views.length;
  await press(host, ACTIONS.recapEdit, room.id);
  await waitFor('the edit form', () => slack.views.length > opened, 15_000, 50);
  const modal = slack.views[opened].view;
  expect([modal.callback_id, modal.private_metadata]).toEqual(['recap_edit_modal', room.id]);
  const summaryField = modal.blocks.find((block: { block_id?: string }) => block.block_id === 'summary');
  expect(summaryField.element.initial_value).toMatch(/roadmap/i);

  const refused = await submitEdit(host, room.id, '   ', '');
  expect(await refused.json()).toEqual({ response_action: 'errors', errors: { summary: 'The summary must not be empty (Discard the recap instead)' } });
  expect(recapsTo(guest)).toEqual([]);

  expect((await submitEdit(host, room.id, 'Roadmap ships Tuesday. Gero updates the slides.', 'Ship the roadmap on Tuesday\nKeep the slides short')).status).toBe(200);
  await handle.result();
  await waitFor('the host told the edit was saved', () => dmsTo(host).some((m) => /^:pencil: Saved your edit/.test(m.text)), 15_000, 100);
  const [recap] = recapsTo(guest);
  expect(recap.text).toContain('Roadmap ships Tuesday. Gero updates the slides.');
  expect(recap.text).toContain('• Ship the roadmap on Tuesday\n• Keep the slides short');
  const versions = await orm.em.fork().find(MeetingSummary, { room: room.id }, { populate: ['editedBy'], orderBy: { version: 'asc' } });
  expect(versions.map((v) => [v.version, v.editedBy?.name ?? null])).toEqual([
    [1, null],
    [2, 'Hilde Host'],
  ]);
});
