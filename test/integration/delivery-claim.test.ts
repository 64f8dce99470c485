import type { MikroORM } from '@mikro-orm/postgresql';
import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { deliverOnce, type DeliveryContext } from '../../activities/delivery';
import type { OutgoingMessage } from '../../activities/messages/types';
import { Notification, type UserEntity } from '../../db/entities';
import { SmtpMailProvider } from '../../integrations/mail/smtp';
import { startFakeSmtp, type FakeSmtp } from '../fakes/smtp';
import { openTestOrm, unique } from '../helpers/db';
import { createUser } from '../helpers/factories';
import { testWorld } from '../helpers/worker';

// Issue 15: a notification's send is claimed by compare-and-set, so two attempts at the same message (a retry
// started while a slow send still runs) send it once; the sender heartbeats while the relay is slow.
const world = testWorld('delivery-claim');
let orm: MikroORM;
let smtp: FakeSmtp;
let mail: SmtpMailProvider;
let ctx: DeliveryContext;
let user: UserEntity;

beforeAll(async () => {
  orm = await openTestOrm();
  smtp = await startFakeSmtp();
  mail = new SmtpMailProvider({ url: smtp.url, maxConnections: 2 });
  ctx = { providers: { ...world.providers, mail }, log: pino({ level: 'silent' }) };
  user = await createUser(orm.em.fork(), { name: 'Ann Guest' });
});

afterAll(async () => {
  mail?.close();
  await smtp?.close();
  await orm?.close();
});

afterEach(() => smtp.delayReplies(0));

const message = (): OutgoingMessage => {
  const key = unique('claim-test');
  return { key, user, type: 'meeting_summary', title: 'Summary', text: 'What we decided.', channel: 'email', email: { subject: 'Summary', text: 'What we decided.' } };
};
const received = (key: string) => smtp.messages.filter((mail) => mail.parsed.headers.get('x-meetflow-key') === key);
const rowOf = (key: string) => orm.em.fork().findOneOrFail(Notification, { idempotencyKey: key });

test('two attempts at the same message at once: one sends, the other is told it is in progress, the message arrives once', async () => {
  smtp.delayReplies(1_000);
  const outgoing = message();
  const [first, second] = await Promise.allSettled([deliverOnce(orm.em.fork(), outgoing, ctx), deliverOnce(orm.em.fork(), outgoing, ctx)]);
  const outcomes = [first, second];
  const sent = outcomes.filter((outcome) => outcome.status === 'fulfilled');
  const refused = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  expect(sent).toHaveLength(1);
  expect(sent[0]).toMatchObject({ value: { status: 'sent', channel: 'email' } });
  expect(refused).toHaveLength(1);
  expect(refused[0].reason).toMatchObject({ type: 'DeliveryInProgress' });
  expect(received(outgoing.key)).toHaveLength(1);

  // The retry of the refused attempt finds it sent.
  await expect(deliverOnce(orm.em.fork(), outgoing, ctx)).resolves.toMatchObject({ status: 'already-sent' });
  expect(received(outgoing.key)).toHaveLength(1);
  expect(await rowOf(outgoing.key)).toMatchObject({ deliveryStatus: 'sent', claimToken: null });
});

test('ten attempts racing: one message', async () => {
  smtp.delayReplies(300);
  const outgoing = message();
  const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => deliverOnce(orm.em.fork(), outgoing, ctx)));
  expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
  expect(received(outgoing.key)).toHaveLength(1);
});

test('a claim left by a crashed attempt lapses: the next attempt takes the message over', async () => {
  const outgoing = message();
  smtp.delayReplies(200);
  await deliverOnce(orm.em.fork(), outgoing, ctx);
  // As a worker killed mid-send leaves it: sending, with a lease that ran out.
  await orm.em.fork().nativeUpdate(Notification, { idempotencyKey: outgoing.key }, { deliveryStatus: 'sending', claimToken: crypto.randomUUID(), claimedUntil: new Date(Date.now() - 1_000) });
  await expect(deliverOnce(orm.em.fork(), outgoing, ctx)).resolves.toMatchObject({ status: 'sent' });
  // SMTP cannot say whether the crashed attempt's copy went out: email is at-least-once (README), with the same Message-ID.
  const copies = received(outgoing.key);
  expect(copies).toHaveLength(2);
  expect(new Set(copies.map((copy) => copy.parsed.messageId)).size).toBe(1);
});

test('a claim still held by a live attempt is not taken over', async () => {
  const outgoing = message();
  await deliverOnce(orm.em.fork(), outgoing, ctx);
  // As a slow send of another worker leaves it: sending, its lease renewed a moment ago.
  await orm.em.fork().nativeUpdate(Notification, { idempotencyKey: outgoing.key }, { deliveryStatus: 'sending', claimToken: crypto.randomUUID(), claimedUntil: new Date(Date.now() + 60_000) });
  await expect(deliverOnce(orm.em.fork(), outgoing, ctx)).rejects.toMatchObject({ type: 'DeliveryInProgress' });
  expect(received(outgoing.key)).toHaveLength(1);
});

test('inside an activity, a slow relay is heartbeated through, and a cancelled activity sends nothing', async () => {
  smtp.delayReplies(6_000);
  const slow = message();
  const activity = new MockActivityEnvironment();
  let heartbeats = 0;
  activity.on('heartbeat', () => (heartbeats += 1));
  await expect(activity.run(() => deliverOnce(orm.em.fork(), slow, ctx))).resolves.toMatchObject({ status: 'sent' });
  expect(heartbeats).toBeGreaterThan(0);
  smtp.delayReplies(0);

  const cancelled = message();
  const stopped = new MockActivityEnvironment();
  stopped.cancel();
  await expect(stopped.run(() => deliverOnce(orm.em.fork(), cancelled, ctx))).rejects.toBeInstanceOf(CancelledFailure);
  expect(received(cancelled.key)).toHaveLength(0);
  // The claim is given back, so a later attempt sends at once.
  expect(await rowOf(cancelled.key)).toMatchObject({ deliveryStatus: 'sending', claimToken: expect.any(String) });
  await expect(deliverOnce(orm.em.fork(), cancelled, ctx)).resolves.toMatchObject({ status: 'sent' });
  expect(received(cancelled.key)).toHaveLength(1);
}, 30_000);
