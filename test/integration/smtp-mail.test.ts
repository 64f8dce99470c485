import type { Attachment } from 'mailparser';
import { buildCalendarEvent, type CalendarEvent } from '../../integrations/calendar/ical';
import { PermanentMailError, SmtpMailProvider } from '../../integrations/mail/smtp';
import type { MailMessage } from '../../integrations/mail/types';
import { startFakeSmtp, type FakeSmtp, type ReceivedMail } from '../fakes/smtp';

// Everything goes through nodemailer's SMTP pool over TCP to a real SMTP server (smtp-server) on 127.0.0.1.

let fake: FakeSmtp;
const opened: { provider: SmtpMailProvider; fake?: FakeSmtp }[] = [];

function provider(url = fake.url) {
  const created = new SmtpMailProvider({ url, from: 'Meetflow <invites@meetflow.test>' });
  opened.push({ provider: created });
  return created;
}

beforeEach(async () => {
  fake = await startFakeSmtp();
});

afterEach(async () => {
  for (const { provider: created } of opened.splice(0)) created.close();
  await fake.close();
});

const event = (method: CalendarEvent['method']): CalendarEvent => ({
  uid: 'room-42-7f3a@meetflow.test',
  sequence: method === 'CANCEL' ? 1 : 0,
  method,
  title: 'Design review',
  start: new Date('2030-03-04T10:00:00Z'),
  end: new Date('2030-03-04T11:00:00Z'),
  organizer: { name: 'Olga Host', email: 'olga@example.test' },
  attendees: [{ name: 'Ann Guest', email: 'ann@example.test' }],
  url: 'https://meet.example.test/r/42',
});

const mail = (overrides: Partial<MailMessage> = {}): MailMessage => ({
  to: { name: 'Ann Guest', email: 'ann@example.test' },
  subject: 'Invitation: Design review',
  text: 'You are invited to "Design review" <Tuesday>.\n\nJoin here: https://meet.example.test/r/42?t=a&b=1.\nSee you!',
  idempotencyKey: `invite:room-42:ann@example.test:${Math.random().toString(36).slice(2)}`,
  ...overrides,
});

const calendarPart = (received: ReceivedMail): Attachment | undefined =>
  received.parsed.attachments.find((attachment) => attachment.contentType === 'text/calendar');

test('an invite arrives with its envelope, subject, and text, HTML and REQUEST calendar parts', async () => {
  const calendar = buildCalendarEvent(event('REQUEST'));
  const sent = await provider().send(mail({ calendar: { method: 'REQUEST', content: calendar } }));

  expect(fake.messages).toHaveLength(1);
  const [received] = fake.messages;
  expect(received.envelope).toEqual({ from: 'invites@meetflow.test', to: ['ann@example.test'] });
  expect(received.parsed.subject).toBe('Invitation: Design review');
  expect(received.parsed.messageId).toBe(sent.messageId);
  expect(received.raw).toMatch(/^Content-Type: text\/plain; charset=utf-8$/m);
  expect(received.raw).toMatch(/^Content-Type: text\/html; charset=utf-8$/m);
  expect(received.raw).toMatch(/^Content-Type: text\/calendar; charset=utf-8; method=REQUEST$/m);
  expect(received.parsed.text?.trim()).toBe(mail().text);

  // No html in the message: the provider generated it from the text, escaped, in paragraphs, with the link clickable.
  const html = received.parsed.html as string;
  expect(html).toContain('<p>You are invited to &quot;Design review&quot; &lt;Tuesday&gt;.</p>');
  expect(html).toContain('<a href="https://meet.example.test/r/42?t=a&amp;b=1">https://meet.example.test/r/42?t=a&amp;b=1</a>.<br>');
  expect(html).not.toContain('<Tuesday>');

  const part = calendarPart(received);
  expect(part).toBeDefined();
  const content = part!.content.toString('utf8');
  expect(content).toMatch(/^METHOD:REQUEST\r?$/m);
  expect(content).toMatch(/^UID:room-42-7f3a@meetflow\.test\r?$/m);
  expect(content).toMatch(/^STATUS:CONFIRMED\r?$/m);
});

test('a cancellation arrives with METHOD:CANCEL, and a message that brings its own HTML keeps it', async () => {
  const calendar = buildCalendarEvent(event('CANCEL'));
  await provider().send(
    mail({ subject: 'Cancelled: Design review', html: '<p>The <b>Design review</b> is off.</p>', calendar: { method: 'CANCEL', content: calendar } }),
  );

  expect(fake.messages).toHaveLength(1);
  const [received] = fake.messages;
  expect(received.parsed.subject).toBe('Cancelled: Design review');
  expect(received.raw).toMatch(/^Content-Type: text\/calendar; charset=utf-8; method=CANCEL$/m);
  const content = calendarPart(received)!.content.toString('utf8');
  expect(content).toMatch(/^METHOD:CANCEL\r?$/m);
  expect(content).toMatch(/^UID:room-42-7f3a@meetflow\.test\r?$/m);
  expect(content).toMatch(/^STATUS:CANCELLED\r?$/m);
  expect(received.parsed.html).toContain('<p>The <b>Design review</b> is off.</p>');
  expect(received.parsed.text).toContain('You are invited');
});

test('the Message-ID comes from the idempotency key: a resend carries the same one, another key another', async () => {
  const smtp = provider();
  const first = await smtp.send(mail({ idempotencyKey: 'reminder-room-42-ann.15m' }));
  const again = await smtp.send(mail({ idempotencyKey: 'reminder-room-42-ann.15m' }));
  const other = await smtp.send(mail({ idempotencyKey: 'reminder-room-42-ann.60m' }));
  const keyWithOddCharacters = await smtp.send(mail({ idempotencyKey: 'invite:room 42/ann@example.test' }));

  expect(first.messageId).toBe('<reminder-room-42-ann.15m@meetflow>');
  expect(again.messageId).toBe(first.messageId);
  expect(other.messageId).toBe('<reminder-room-42-ann.60m@meetflow>');
  expect(keyWithOddCharacters.messageId).toMatch(/^<invite_room_42_ann_example\.test\.[0-9a-f]{12}@meetflow>$/);

  // What the receiver sees, and can de-duplicate on.
  expect(fake.messages.map((received) => received.parsed.messageId)).toEqual([first.messageId, first.messageId, other.messageId, keyWithOddCharacters.messageId]);
  expect(fake.messages.map((received) => received.parsed.headers.get('x-meetflow-key'))).toEqual([
    'reminder-room-42-ann.15m',
    'reminder-room-42-ann.15m',
    'reminder-room-42-ann.60m',
    'invite:room 42/ann@example.test',
  ]);
});

test('AUTH uses the user and password from SMTP_URL; wrong credentials are refused and nothing is delivered', async () => {
  const authed = await startFakeSmtp({ auth: { user: 'meetflow', pass: 'p@ss:w/rd%' } });
  try {
    expect(authed.url).toContain('meetflow:p%40ss%3Aw%2Frd%25@127.0.0.1');

    await provider(authed.url.replace('p%40ss', 'wrong')).send(mail()).then(
      () => {
        throw new Error('sent with a wrong password');
      },
      (error: any) => {
        expect(error).not.toBeInstanceOf(PermanentMailError);
        expect(error.code).toBe('EAUTH');
      },
    );
    expect(authed.messages).toHaveLength(0);

    await provider(authed.url).send(mail());
    expect(authed.messages).toHaveLength(1);
    expect(authed.messages[0].user).toBe('meetflow');
  } finally {
    for (const { provider: created } of opened.splice(0)) created.close();
    await authed.close();
  }
});

test('a recipient refused with 550 is a PermanentMailError naming it; the pool still delivers the next mail', async () => {
  fake.rejectRecipient('gone@example.test');
  const smtp = provider();

  const error = await smtp.send(mail({ to: { email: 'gone@example.test' } })).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PermanentMailError);
  const permanent = error as PermanentMailError;
  expect(permanent.address).toBe('gone@example.test');
  expect(permanent.responseCode).toBe(550);
  expect(permanent.message).toContain('gone@example.test');
  expect(permanent.message).toContain('550 5.1.1 <gone@example.test>: Recipient address rejected: User unknown');
  expect(fake.messages).toHaveLength(0);

  await smtp.send(mail({ to: { email: 'bob@example.test' } }));
  expect(fake.messages.map((received) => received.envelope.to)).toEqual([['bob@example.test']]);
});

test('a recipient deferred with 450 is a retryable error, not a permanent one', async () => {
  fake.rejectRecipient('busy@example.test', 450);

  const error: any = await provider().send(mail({ to: { email: 'busy@example.test' } })).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(Error);
  expect(error).not.toBeInstanceOf(PermanentMailError);
  expect(error.responseCode).toBe(450);
  expect(fake.messages).toHaveLength(0);
});

test('a server that is down gives a retryable error, not a permanent one', async () => {
  const down = await startFakeSmtp();
  await down.close();

  const error: any = await provider(down.url).send(mail()).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  // A system error from node:net (another realm than jest's Error, so no toBeInstanceOf(Error) here).
  expect(error?.message).toMatch(/ECONNREFUSED/);
  expect(error).not.toBeInstanceOf(PermanentMailError);
  expect(['ESOCKET', 'ECONNECTION']).toContain(error.code);
});

test('SMTP_URL must be an smtp:// or smtps:// URL', () => {
  expect(() => new SmtpMailProvider({ url: 'http://mail.example.test' })).toThrow(/smtp:\/\/ or smtps:\/\//);
  expect(() => new SmtpMailProvider({ url: 'not a url' })).toThrow(/not a valid URL/);
});
