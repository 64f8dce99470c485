import type { MikroORM } from '@mikro-orm/postgresql';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { scheduleMeeting } from '../../clients/meetings';
import { Notification, type UserEntity } from '../../db/entities';
import { messageKeys } from '../../activities/messages/keys';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api';
import { unique } from '../helpers/db';
import { createUser } from '../helpers/factories';
import { playRecordedMeeting, vttOf } from '../helpers/meeting';
import { startWorkerStack, testWorld, type TestWorld, type WorkerStack } from '../helpers/worker';

// Issue 15: one person Slack cannot reach (a deleted or deactivated account) must not cost everyone else their
// messages, nor the meeting its completion. A real worker delivers through the real Slack client to the stand-in.
const PEOPLE = 60;
let slack: FakeSlackApi;
let world: TestWorld;
let stack: WorkerStack;
let orm: MikroORM;

beforeAll(async () => {
  slack = await startFakeSlackApi();
  world = testWorld('unreachable', { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: slack.url });
  stack = await startWorkerStack(world);
  orm = stack.orm;
});

afterAll(async () => {
  await stack?.stop();
  await slack?.close();
});

const slackUser = (name: string) => createUser(orm.em.fork(), { name, email: `${unique('person')}@example.test`, oauthProvider: 'slack', oauthId: unique('U').toUpperCase().replace(/[^A-Z0-9]/g, '') });

/** The DMs each Slack user got, by kind of message (the key's prefix), from what the stand-in accepted. */
function dmsByUser(users: UserEntity[]): Map<string, string[]> {
  const channelOf = new Map(users.map((user) => [`D${user.oauthId!.replace(/^U/, '')}`, user.id]));
  const received = new Map<string, string[]>(users.map((user) => [user.id, []]));
  for (const call of slack.posted()) {
    const userId = channelOf.get(String(call.args.channel));
    if (userId) received.get(userId)!.push(String(call.args.metadata?.event_payload?.key ?? '').split(':')[0]);
  }
  return received;
}

test(`one of ${PEOPLE} people is unknown to Slack: the other ${PEOPLE - 1} get each message once, theirs fails with the reason, the results reach them by email, the meeting completes`, async () => {
  const host = await slackUser('Alice Host');
  const guests = await Promise.all(Array.from({ length: PEOPLE - 1 }, (_, i) => slackUser(`Guest ${i}`)));
  // In the middle, so that people after them in every delivery loop are counted too.
  const gone = guests[PEOPLE / 2];
  slack.makeUnreachable(gone.oauthId!, 'user_not_found');

  const { room, workflowId } = await scheduleMeeting(
    { em: orm.em.fork(), temporal: stack.env.client, cfg: world.cfg, taskQueue: world.taskQueue },
    { host, title: 'All hands', start: new Date(), durationMinutes: 30, invitees: guests.map((guest) => ({ email: guest.email })), settings: { reminderMinutesBefore: 0 } },
  );
  const people = [host, ...guests];
  const result = await playRecordedMeeting(
    stack.env.client.workflow.getHandle(workflowId),
    world.dataDir,
    people.map((person) => ({ id: person.id })),
    vttOf([['Alice Host', 'Welcome everyone. We agreed to ship the release on Friday.']]),
  );

  expect(result.phase).toBe('completed');
  const received = dmsByUser(people);
  for (const person of people.filter((p) => p.id !== gone.id)) {
    // Guests: the invite, "starting now", the results. The host is not invited to their own meeting.
    expect(received.get(person.id)!.sort()).toEqual(person.id === host.id ? ['results', 'starting'] : ['invite-dm', 'results', 'starting']);
  }
  expect(received.get(gone.id)).toEqual([]);

  const rows = await orm.em.fork().find(Notification, { user: gone.id }, { orderBy: { idempotencyKey: 'asc' } });
  const byKey = new Map(rows.map((row) => [row.idempotencyKey, row]));
  const invite = byKey.get(messageKeys.inviteDm('invite', room.id, 0, gone.id));
  expect(invite).toMatchObject({ channel: 'slack', deliveryStatus: 'failed', deliveryError: 'user_not_found' });
  const resultsKey = messageKeys.results(result.summaryId!, gone.id);
  expect(byKey.get(resultsKey)).toMatchObject({ channel: 'slack', deliveryStatus: 'failed', deliveryError: 'user_not_found' });
  expect(byKey.get(messageKeys.emailFallback(resultsKey))).toMatchObject({ channel: 'email', deliveryStatus: 'sent' });
  // The invite email went out as for everyone; the summary followed by email.
  const outbox = readdirSync(path.join(world.dataDir, 'outbox')).filter((file) => file.includes(gone.id));
  expect(outbox.filter((file) => file.startsWith('results'))).toHaveLength(1);
  expect(outbox.filter((file) => file.startsWith('invite-email'))).toHaveLength(1);
  // "Starting now" followed by email too; nobody else needed the fallback.
  const fallbacks = await orm.em.fork().find(Notification, { idempotencyKey: { $like: `%:email-fallback` }, data: { roomId: room.id } });
  expect(fallbacks.map((row) => row.idempotencyKey).sort()).toEqual([messageKeys.emailFallback(resultsKey), messageKeys.emailFallback(messageKeys.meetingStarting(room.id, gone.id))].sort());
}, 180_000);
