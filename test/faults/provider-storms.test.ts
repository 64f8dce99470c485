import { overloaded, startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic';
import { startFakeGoogleSpeech, type FakeGoogleSpeech, type FakeWord } from '../fakes/google-speech';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api';
import { startFakeSmtp, type FakeSmtp } from '../fakes/smtp';
import type { MeetingStatus } from '../../workflows/messages';
import { unique } from '../helpers/db';
import { waitFor } from '../helpers/wait';
import { allResults, duplicateRows, FaultWorld, type Meeting } from './harness';

// Every provider misbehaves at once, as providers do on a bad day: Google Speech answers UNAVAILABLE, Claude is
// overloaded (529) on every attempt, and Slack answers 429 with Retry-After for a while. Everything is delivered
// in the end, exactly once; the summary comes from the local summarizer, and people are told so.
const MEETINGS = 3;
let slack: FakeSlackApi;
let anthropic: FakeAnthropic;
let speech: FakeGoogleSpeech;
let smtp: FakeSmtp;
let world: FaultWorld;
const meetings: Meeting[] = [];
let results: MeetingStatus[] = [];

beforeAll(async () => {
  [slack, anthropic, speech, smtp] = await Promise.all([startFakeSlackApi(), startFakeAnthropic(), startFakeGoogleSpeech(), startFakeSmtp()]);
  world = await new FaultWorld('storms', {
    SLACK_BOT_TOKEN: 'xoxb-faults',
    SLACK_API_URL: slack.url,
    ANTHROPIC_API_KEY: 'sk-ant-faults',
    ANTHROPIC_BASE_URL: anthropic.url,
    SUMMARY_MAX_ATTEMPTS: '2',
    GOOGLE_SPEECH_ENDPOINT: `127.0.0.1:${speech.port}`,
    SMTP_URL: smtp.url,
  }).open();
});

afterAll(async () => {
  await world?.close();
  await Promise.all([slack?.close(), anthropic?.close(), speech?.close(), smtp?.close()]);
});

const said = (speakerTag: number, from: number, text: string): FakeWord[] => text.split(' ').map((word, i) => ({ word, start: from + i * 0.5, end: from + i * 0.5 + 0.4, speakerTag }));

test(`storms at Google Speech, Claude and Slack: ${MEETINGS} meetings delivered in the end, exactly once`, async () => {
  const words = [...said(1, 0, 'Welcome everyone. We agreed to ship the new release on Friday.'), ...said(2, 8, 'I will write the announcement by Thursday.')];
  speech.script([{ kind: 'unavailable' }, { kind: 'unavailable' }, ...Array.from({ length: MEETINGS }, () => ({ kind: 'result' as const, words }))]);
  anthropic.otherwise(overloaded());
  await world.startWorker();
  const slackUser = (name: string) => world.makeUser(name, { oauthProvider: 'slack', oauthId: unique('U').toUpperCase().replace(/-/g, '') });
  for (let i = 0; i < MEETINGS; i += 1) {
    meetings.push(await world.schedule(await slackUser(`Sol Host${i}`), [await slackUser(`Sky Guest${i}`), await world.makeUser(`Em Mailonly${i}`)], { title: `Storm review ${i}` }));
  }
  const playing = meetings.map((meeting) => world.play(meeting));
  // Slack's storm starts as the first results go out, and lasts 10 s.
  await waitFor('a meeting to reach processing', async () => (await Promise.all(meetings.map((m) => world.phase(m)))).some((phase) => phase === 'processing'), 60_000, 100);
  slack.rateLimitFor(10_000, 2);
  await Promise.all(playing);
  results = await allResults(world, meetings, 150_000);

  expect(results.map((result) => (result.phase === 'completed' ? result.phase : `${result.phase}: ${result.lastError}`))).toEqual(meetings.map(() => 'completed'));
  // The storms happened: speech refused twice, Claude was asked and refused, Slack rate-limited calls.
  expect(speech.requests.length).toBe(MEETINGS + 2);
  expect(anthropic.requests.length).toBeGreaterThanOrEqual(MEETINGS);
  expect(slack.calls.filter((call) => call.rateLimited).length).toBeGreaterThan(0);

  const posted = slack.posted();
  const keys = posted.map((call) => String(call.args.metadata?.event_payload?.key ?? ''));
  expect(keys.length - new Set(keys).size).toBe(0);
  for (const [i, meeting] of meetings.entries()) {
    const [host, guest, mailOnly] = meeting.people;
    const summaryId = results[i].summaryId!;
    // Slack people: one DM each, whose blocks say the local summarizer took over from Claude.
    const dms = posted.filter((call) => String(call.args.metadata?.event_payload?.key).startsWith(`results:${summaryId}:`));
    expect(dms.map((call) => call.args.metadata.event_payload.key).sort()).toEqual([`results:${summaryId}:${host.id}`, `results:${summaryId}:${guest.id}`].sort());
    for (const dm of dms) expect(JSON.stringify(dm.args.blocks)).toMatch(/Made by the local \(fallback: claude failed 1 attempt\) summarizer/);
    // The person without Slack: one email.
    const mails = smtp.messages.filter((mail) => mail.envelope.to.includes(mailOnly.email) && mail.parsed.subject === `Summary: Storm review ${i}`);
    expect(mails).toHaveLength(1);
  }
  expect(Object.values(await duplicateRows(world.orm)).every((n) => n === 0)).toBe(true);
}, 240_000);

test('a person who gets the results by email is told, too, that the local summarizer made the summary', () => {
  expect(results).toHaveLength(MEETINGS);
  for (const [i, meeting] of meetings.entries()) {
    const mailOnly = meeting.people[2];
    const [mail] = smtp.messages.filter((m) => m.envelope.to.includes(mailOnly.email) && m.parsed.subject === `Summary: Storm review ${i}`);
    expect(mail.parsed.text).toMatch(/local summarizer/i);
  }
});
