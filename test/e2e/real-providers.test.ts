import type { MikroORM } from '@mikro-orm/postgresql';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { scheduleMeeting } from '../../clients/meetings';
import { MeetingEvents, waitForPhase } from '../../clients/video-events';
import { ActionItem, MeetingSummary, Notification, ParticipantReport, Transcript } from '../../db/entities';
import { cancelUpdate, type MeetingStatus } from '../../workflows/messages';
import { startFakeAnthropic, toolUse, overloaded, type FakeAnthropic } from '../fakes/anthropic';
import { startFakeGoogleSpeech, type FakeGoogleSpeech } from '../fakes/google-speech';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api';
import { startFakeSmtp, type FakeSmtp } from '../fakes/smtp';
import { unique } from '../helpers/db';
import { createUser } from '../helpers/factories';
import { startWorkerStack, testWorld, type TestWorld, type WorkerStack } from '../helpers/worker';

// The same meeting workflow with every provider switched on by its environment variables, each reached
// through its real client library: Slack Web API, SMTP, Google Speech (gRPC) and Anthropic Messages.
let env: TestWorkflowEnvironment;
let orm: MikroORM;
let stack: WorkerStack;
let slack: FakeSlackApi;
let smtp: FakeSmtp;
let speech: FakeGoogleSpeech;
let claude: FakeAnthropic;
let world: TestWorld;

beforeAll(async () => {
  [slack, smtp, speech, claude] = await Promise.all([startFakeSlackApi(), startFakeSmtp(), startFakeGoogleSpeech(), startFakeAnthropic()]);
  world = testWorld('real-providers', {
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_API_URL: slack.url,
    SMTP_URL: smtp.url,
    GOOGLE_SPEECH_ENDPOINT: `127.0.0.1:${speech.port}`,
    ANTHROPIC_API_KEY: 'sk-ant-test',
    ANTHROPIC_BASE_URL: claude.url,
    ANTHROPIC_MODEL: 'claude-sonnet-4-6',
  });
  stack = await startWorkerStack(world);
  ({ env, orm } = stack);
});

afterAll(async () => {
  await Promise.all([stack?.stop(), slack?.close(), smtp?.close(), speech?.close(), claude?.close()]);
});

test('a meeting on Slack, SMTP, Google Speech and Claude: invites by mail and DM, diarized speakers named, one Slack DM each', async () => {
  const em = orm.em.fork();
  const alice = await createUser(em, { name: 'Alice Able', oauthProvider: 'slack', oauthId: unique('U').toUpperCase() });
  const bob = await createUser(em, { name: 'Bob Baker', oauthProvider: 'slack', oauthId: unique('U').toUpperCase() });
  const carol = `${unique('carol')}@example.test`; // no Slack account: email only

  speech.script([
    {
      kind: 'result',
      words: [
        { word: 'We', start: 0, end: 0.3, speakerTag: 1 },
        { word: 'agreed', start: 0.3, end: 0.8, speakerTag: 1 },
        { word: 'to', start: 0.8, end: 1.0, speakerTag: 1 },
        { word: 'launch.', start: 1.0, end: 1.6, speakerTag: 1 },
        { word: 'I', start: 2.0, end: 2.2, speakerTag: 2 },
        { word: 'will', start: 2.2, end: 2.5, speakerTag: 2 },
        { word: 'write', start: 2.5, end: 2.9, speakerTag: 2 },
        { word: 'the', start: 2.9, end: 3.0, speakerTag: 2 },
        { word: 'notes.', start: 3.0, end: 3.6, speakerTag: 2 },
      ],
    },
  ]);
  claude.script(
    overloaded(),
    toolUse({
      executiveSummary: 'The team agreed to launch; Bob writes the release notes.',
      keyPoints: [{ text: 'Launch agreed', speaker: 'Alice Able', at: '00:00' }],
      decisions: [{ text: 'Launch as planned', speaker: 'Alice Able', at: '00:00' }],
      topics: [{ title: 'Launch', keywords: ['launch', 'notes'] }],
      sentiment: 0.6,
      // Grounded: the item cites Bob's own line, which names no date, so it carries none.
      actionItems: [{ title: 'Write the release notes', description: 'For the launch.', owner: 'Bob Baker', dueDate: null, priority: 'high', type: 'task', source: { from: '00:02', to: '00:02' } }],
    }),
  );

  const { workflowId, room } = await scheduleMeeting(
    { em, temporal: env.client, cfg: world.cfg, taskQueue: world.taskQueue },
    { host: alice, title: 'Launch go/no-go', start: new Date(Date.now() + 1000), durationMinutes: 15, invitees: [{ email: bob.email }, { email: carol }], settings: { reminderMinutesBefore: 0 } },
  );
  const handle = env.client.workflow.getHandle(workflowId);
  const events = new MeetingEvents(handle);
  await waitForPhase(handle, ['live']);
  await events.join(alice.id, alice.name);
  await events.join(bob.id, bob.name);
  const recordingId = unique('EG');
  await events.startRecording(recordingId);
  await events.leave(alice.id);
  await events.leave(bob.id);
  await events.finishRoom();
  await events.finishRecording(recordingId, { fileUrl: 'gs://meetflow-recordings/launch.ogg', durationSeconds: 4 });
  const result = (await handle.result()) as MeetingStatus;
  expect(result).toMatchObject({ phase: 'completed' });

  // Mail: the invites went through SMTP with their calendar part.
  const invites = smtp.messages.filter((m) => m.parsed.subject === 'Invitation: Launch go/no-go');
  expect(invites.map((m) => m.envelope.to).flat().sort()).toEqual([bob.email, carol].sort());
  expect(invites[0].raw).toMatch(/METHOD:REQUEST/);

  // Speech: Google was asked for a diarized transcript of the gs:// file; its speakers became the attendees.
  expect(speech.requests[0]).toBeDefined();
  const transcript = await em.fork().findOneOrFail(Transcript, { room: room.id });
  expect(transcript.segments.map((s) => s.speaker)).toEqual(['Alice Able', 'Bob Baker']);
  expect(transcript.speakerMap).toEqual({ 'Speaker 1': 'Alice Able', 'Speaker 2': 'Bob Baker' });

  // Summary: Claude overloaded once, then answered through the tool; the row says who made it and the cost.
  const summary = await em.fork().findOneOrFail(MeetingSummary, { room: room.id });
  expect(summary).toMatchObject({ generator: 'claude', model: 'claude-sonnet-4-6', executiveSummary: 'The team agreed to launch; Bob writes the release notes.' });
  expect(summary.usage).toMatchObject({ inputTokens: expect.any(Number), outputTokens: expect.any(Number) });
  expect(claude.requests).toHaveLength(2);
  const items = await em.fork().find(ActionItem, { summary: summary.id }, { populate: ['assignedTo'] });
  expect(items.map((i) => [i.title, i.assignedTo?.email, i.dueDate ?? null])).toEqual([['Write the release notes', bob.email, null]]);
  expect(await em.fork().count(ParticipantReport, { summary: summary.id })).toBe(2);

  // Chat: one Slack DM with the results per attendee, carrying its idempotency key as metadata.
  const results = slack.posted().filter((call) => String(call.args.text).startsWith('Summary of "Launch go/no-go"'));
  expect(results.map((call) => call.args.channel).sort()).toEqual([`D${alice.oauthId!.replace(/^U/, '')}`, `D${bob.oauthId!.replace(/^U/, '')}`].sort());
  expect(results.every((call) => call.args.metadata?.event_payload?.key?.startsWith(`results:${summary.id}:`))).toBe(true);
  const bobsBlocks = JSON.stringify(results.find((call) => call.args.channel.includes(bob.oauthId!.replace(/^U/, '')))!.args.blocks);
  expect(bobsBlocks).toContain('action_item_done');
  const sent = await em.fork().find(Notification, { type: 'meeting_summary', data: { summaryId: summary.id } });
  expect(sent.map((n) => n.channel).sort()).toEqual(['slack', 'slack']);
});

test('a Slack 429 storm: deliveries wait for Retry-After and every message still goes out once', async () => {
  const em = orm.em.fork();
  const host = await createUser(em, { name: 'Hal Host', oauthProvider: 'slack', oauthId: unique('U').toUpperCase() });
  const guests = await Promise.all([1, 2, 3].map((i) => createUser(em, { name: `Guest ${i}`, oauthProvider: 'slack', oauthId: unique('U').toUpperCase() })));
  const before = slack.posted().length;
  slack.rateLimit(6, 1);
  const { workflowId } = await scheduleMeeting(
    { em, temporal: env.client, cfg: world.cfg, taskQueue: world.taskQueue },
    { host, title: 'Storm test', start: new Date(Date.now() + 3_600_000), durationMinutes: 15, invitees: guests.map((g) => ({ email: g.email })), settings: { reminderMinutesBefore: 0 } },
  );
  const handle = env.client.workflow.getHandle(workflowId);
  await waitForPhase(handle, ['waiting'], 60_000);
  const invites = slack.posted().slice(before).filter((call) => String(call.args.text).includes('invited you to "Storm test"'));
  expect(invites).toHaveLength(3);
  expect(new Set(invites.map((call) => call.args.channel)).size).toBe(3);
  expect(slack.calls.filter((call) => call.rateLimited).length).toBe(6);
  await handle.executeUpdate(cancelUpdate, { args: ['storm over'] });
}, 90_000);
