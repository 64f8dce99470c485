import type { MikroORM } from '@mikro-orm/postgresql';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { AuditEvent, User } from '../../db/entities';
import { seriesScheduleId } from '../../workflows/ids';
import type { RecurringSeries } from '../../workflows/recurring';
import type { FakeSlackApi } from '../fakes/slack-api';
import { unique } from '../helpers/db';
import { commandBody, slackHeaders, startSlackBotStack, type SlackBotStack } from '../helpers/slack';
import type { WorkerStack } from '../helpers/worker';

// Bolt runs for real, signed requests as Slack sends them; the series are real Temporal Schedules.
const SECRET = 'slack-signing-secret-for-series-tests';
let env: TestWorkflowEnvironment;
let orm: MikroORM;
let stack: WorkerStack;
let slack: FakeSlackApi;
let bots: SlackBotStack;
let botUrl: string;
const created: string[] = [];

beforeAll(async () => {
  bots = await startSlackBotStack('slack-series', SECRET);
  ({ slack, stack, botUrl } = bots);
  ({ env, orm } = stack);
});

afterAll(async () => {
  for (const id of created) await env.client.schedule.getHandle(seriesScheduleId(id)).delete().catch(() => undefined);
  await bots?.stop();
});

function slackPerson(name: string, tz = 'Europe/Berlin') {
  const id = unique('U').toUpperCase().replace(/-/g, '');
  slack.addUser({ id, name: name.toLowerCase(), real_name: name, tz, email: `${id.toLowerCase()}@example.test` });
  return { id, name, email: `${id.toLowerCase()}@example.test` };
}

/** Sends `/meet <text>` as `userId` and returns the ephemeral reply Bolt posted to the response URL. */
async function meet(userId: string, text: string): Promise<{ text: string; response_type: string }> {
  const id = unique('r');
  const body = commandBody({ text, userId, responseUrl: slack.responseUrl(id) });
  const response = await fetch(botUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackHeaders(body, SECRET) }, body });
  expect(response.status).toBe(200);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = slack.responses.find((r) => r.path === `/respond/${id}`);
    if (found) return found.body;
    if (Date.now() > deadline) throw new Error('no reply posted to the response URL');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The series the person's last `/meet schedule … every …` made (its audit row names it). */
async function lastSeriesOf(slackId: string) {
  const em = orm.em.fork();
  const user = await em.findOneOrFail(User, { oauthId: slackId });
  const [event] = await em.find(AuditEvent, { actor: user.id, action: 'series.create' }, { orderBy: { occurredAt: 'desc' }, limit: 1 });
  created.push(event.targetId!);
  const description = await env.client.schedule.getHandle(seriesScheduleId(event.targetId!)).describe();
  return { id: event.targetId!, description, series: (description.action.type === 'startWorkflow' ? description.action.args?.[0] : undefined) as RecurringSeries };
}

test('/meet schedule Standup every weekday 9:15 with @someone for 10 times: a Schedule on weekdays at 9:15 in the caller\'s zone, and a reply with the summary and next dates', async () => {
  const host = slackPerson('Stella Series', 'Europe/Berlin');
  const guest = slackPerson('Gio Guest');
  const answer = await meet(host.id, `schedule Standup every weekday 9:15 with <@${guest.id}|gio> for 10 times`);
  expect(answer.response_type).toBe('ephemeral');
  const { id, description, series } = await lastSeriesOf(host.id);
  expect(answer.text).toContain(`Scheduled the series *Standup* (\`${id.slice(0, 8)}\`): every weekday, 10 times at 09:15 (Europe/Berlin)`);
  expect(answer.text).toMatch(/Next: (?:(?:Mon|Tue|Wed|Thu|Fri), \d+ \w+ \d{4}, 09:15 CET(?: · )?){5}\n/);
  expect(answer.text).toContain('Invited to each: Gio Guest');
  expect(description.spec.timezone).toBe('Europe/Berlin');
  expect(description.state.remainingActions).toBe(10);
  // Invites a day ahead: the Schedule fires at 9:15 on the day before each weekday.
  expect(description.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 9, end: 9, step: 1 }], minute: [{ start: 15, end: 15, step: 1 }] });
  expect(description.spec.calendars?.[0].dayOfWeek?.map((range) => range.start)).toEqual(['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY']);
  expect(series).toMatchObject({ title: 'Standup', rule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=10', timeZone: 'Europe/Berlin', invitees: [expect.objectContaining({ email: guest.email })] });
});

test('"every other Tuesday at 10" and "monthly on the first Monday at 9 until …" make the same series as the API\'s RRULEs', async () => {
  const host = slackPerson('Otis Other', 'America/New_York');
  const other = await meet(host.id, 'schedule Planning every other Tuesday at 10');
  expect(other.text).toContain('every other Tuesday at 10:00 (America/New_York)');
  expect((await lastSeriesOf(host.id)).series.rule).toBe('FREQ=WEEKLY;INTERVAL=2;BYDAY=TU');

  const monthly = await meet(host.id, 'schedule Monthly review monthly on the first Monday at 9 until 2027-12-31');
  expect(monthly.text).toContain('*Monthly review*');
  expect(monthly.text).toContain('monthly on the first Monday, until 2027-12-31 at 09:00 (America/New_York)');
  const { description, series } = await lastSeriesOf(host.id);
  expect(series.rule).toBe('FREQ=MONTHLY;BYDAY=1MO;UNTIL=20271231');
  expect(description.spec.calendars?.[0]).toMatchObject({ dayOfMonth: [{ start: 1, end: 7, step: 1 }], dayOfWeek: [{ start: 'MONDAY', end: 'MONDAY', step: 1 }] });
  expect(monthly.text).toMatch(/Next: Mon, [1-7] \w+ \d{4}, 09:00 GMT-[45] · Mon, [1-7] /);
});

test('/meet series lists mine; skip <id> <date> and cancel <id> change the Schedule; nobody else can', async () => {
  const host = slackPerson('Sky Skipper');
  const stranger = slackPerson('Stan Other');
  await meet(host.id, 'schedule Sync every day at 8:30');
  const { id } = await lastSeriesOf(host.id);
  const short = id.slice(0, 8);
  const list = await meet(host.id, 'series');
  expect(list.text).toContain(`*Sync* (\`${short}\`): every day at 08:30 (Europe/Berlin), 30 min · active`);

  const before = await env.client.schedule.getHandle(seriesScheduleId(id)).describe();
  const fourth = new Date(before.info.nextActionTimes[3].getTime() + 86_400_000); // fires a day ahead
  const date = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(fourth);
  const skipped = await meet(host.id, `series skip ${short} ${date}`);
  expect(skipped.text).toContain(`Skipped ${date} of "Sync".`);
  expect(skipped.text).toContain(`Skipped: ${date}`);
  expect((await env.client.schedule.getHandle(seriesScheduleId(id)).describe()).spec.skip).toHaveLength(1);

  expect((await meet(stranger.id, `series cancel ${short}`)).text).toContain(`No series \`${short}\` among yours`);
  expect((await meet(stranger.id, `series cancel ${id}`)).text).toContain(`No series ${id} among yours`);
  const cancelled = await meet(host.id, `series cancel ${short}`);
  expect(cancelled.text).toContain('Cancelled the series "Sync"');
  expect((await env.client.schedule.getHandle(seriesScheduleId(id)).describe()).state.paused).toBe(true);
  expect((await meet(host.id, 'series')).text).toContain('You host no recurring series');
});

test('phrasing: a time that does not exist is refused with the form to use; a day without a time is at 9:00, and the reply says so', async () => {
  const host = slackPerson('Tim Typo', 'America/New_York');
  const refused = await meet(host.id, 'schedule Call tomorrow 25:00');
  expect(refused.text).toContain('"25:00" is not a time: write a time like 9:15, 14:30 or 2:30pm');
  const february = await meet(host.id, 'schedule Call Feb 30 at 10');
  expect(february.text).toMatch(/"Feb 30" is not a date: February \d{4} has 2[89] days; write a date like Mar 1/);
  const defaulted = await meet(host.id, 'schedule "Review: Friday notes" the day after tomorrow');
  const dayAfterTomorrow = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'America/New_York' }).format(new Date(Date.now() + 2 * 86_400_000));
  expect(defaulted.text).toMatch(new RegExp(`^Scheduled "Review: Friday notes" for ${dayAfterTomorrow}, 09:00 GMT-[45]\\. No time was given, so it is at 9:00\\.`));
});
