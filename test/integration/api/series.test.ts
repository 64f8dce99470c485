import type { MikroORM } from '@mikro-orm/postgresql';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { waitForPhase } from '../../../clients/video-events';
import { wallTimeOf } from '../../../clients/zone-time';
import { Room, type RoomEntity } from '../../../db/entities';
import { seriesScheduleId } from '../../../workflows/ids';
import { type ApiStack, signUp, startApiStack, type TestApi } from '../../helpers/api';
import { testWorld } from '../../helpers/worker';

let env: TestWorkflowEnvironment;
let orm: MikroORM;
let stack: ApiStack;
let api: TestApi;
const world = testWorld('api-series');
const created: string[] = [];

beforeAll(async () => {
  stack = await startApiStack(world);
  ({ env, orm, api } = stack);
});

afterAll(async () => {
  for (const id of created) await env.client.schedule.getHandle(seriesScheduleId(id)).delete().catch(() => undefined);
  await stack?.stop();
});

const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString();
const local = (iso: string, timeZone: string) => wallTimeOf(new Date(iso), timeZone);

async function createSeries(token: string, body: Record<string, unknown>) {
  const response = await api.call('POST', '/meetings', { token, body: { title: 'Standup', start: tomorrow(), durationMinutes: 15, settings: { reminderMinutesBefore: 0 }, ...body } });
  if (response.status === 201) created.push(response.body.series.id);
  return response;
}

/** The meetings of a series once there are `count` (an occurrence's workflow writes its room), or what there is after 20 s. */
async function occurrencesOf(seriesId: string, count: number): Promise<RoomEntity[]> {
  const deadline = Date.now() + 20_000;
  let rooms: RoomEntity[] = [];
  while (rooms.length < count && Date.now() < deadline) {
    rooms = await orm.em.fork().find(Room, { seriesId });
    if (rooms.length < count) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return rooms;
}

test('POST /meetings with a weekday RRULE makes a series: a Schedule, GET /series/{id} shows its rule and next weekdays at 09:15, and each occurrence is a meeting linked to it', async () => {
  const host = await signUp(api, 'Hana Host');
  const guest = await signUp(api, 'Gus Guest');
  const stranger = await signUp(api, 'Stan Stranger');
  const start = new Date(Date.now() + 86_400_000);
  start.setUTCHours(8, 15, 0, 0); // 09:15 in Berlin in winter, 10:15 in summer: the test reads the wall clock back
  const response = await createSeries(host.token, { start: start.toISOString(), timeZone: 'Europe/Berlin', recurrence: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=10', invitees: [guest.user.email] });
  expect(response.status).toBe(201);
  const { series } = response.body;
  expect(series).toMatchObject({ title: 'Standup', rule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=10', recurrence: 'every weekday, 10 times', timeZone: 'Europe/Berlin', status: 'active', pastOccurrences: [], skippedDates: [], link: `/series/${series.id}` });
  expect(response.headers.get('location')).toBe(`/series/${series.id}`);

  const description = await env.client.schedule.getHandle(seriesScheduleId(series.id)).describe();
  expect(description.state.remainingActions).toBe(10);
  expect(description.spec.timezone).toBe('Europe/Berlin');

  const wall = local(start.toISOString(), 'Europe/Berlin');
  const got = await api.call('GET', `/series/${series.id}`, { token: guest.token });
  expect(got.status).toBe(200);
  expect(got.body.series.nextOccurrences.length).toBeGreaterThanOrEqual(5);
  for (const next of got.body.series.nextOccurrences) {
    const at = local(next.start, 'Europe/Berlin');
    expect([at.weekday >= 1 && at.weekday <= 5, at.hour, at.minute]).toEqual([true, wall.hour, wall.minute]);
  }
  expect((await api.call('GET', `/series/${series.id}`, { token: stranger.token })).status).toBe(404);
  expect((await api.call('GET', '/series/not-a-series', { token: host.token })).status).toBe(404);

  await env.client.schedule.getHandle(seriesScheduleId(series.id)).trigger();
  const [room] = await occurrencesOf(series.id, 1);
  expect([room.type, room.seriesId]).toEqual(['recurring', series.id]);
  await waitForPhase(env.client.workflow.getHandle(room.workflowId!), ['waiting'], 20_000);
  const after = await api.call('GET', `/series/${series.id}`, { token: host.token });
  expect(after.body.series.pastOccurrences).toEqual([expect.objectContaining({ id: room.id, title: 'Standup', type: 'recurring' })]);
  await api.call('POST', `/meetings/${room.id}/cancel`, { token: host.token, body: {} });
});

test.each([
  ['FREQ=YEARLY', /FREQ=YEARLY is not supported/],
  ['FREQ=WEEKLY;BYHOUR=9', /BYHOUR is not supported/],
  ['FREQ=MONTHLY;BYDAY=-1FR', /FREQ=MONTHLY needs one BYDAY with its week/],
  ['FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH', /INTERVAL=2 with more than one BYDAY/],
  ['FREQ=WEEKLY;UNTIL=20270230', /UNTIL=20270230 is not a date/],
  ['FREQ=WEEKLY;BYDAY=XX', /"XX" is not a weekday/],
])('a recurrence %s is refused with a 400 naming the part', async (recurrence, message) => {
  const host = await signUp(api, 'Rita Rule');
  const response = await createSeries(host.token, { recurrence });
  expect(response.status).toBe(400);
  expect(response.body.errors).toEqual([{ field: 'body.recurrence', message: expect.stringMatching(message) }]);
});

test('"monthly on the first Monday" (FREQ=MONTHLY;BYDAY=1MO) fires on the Monday among days 1-7, at 09:00 New York time, until its UNTIL date', async () => {
  const host = await signUp(api, 'Mona Monthly');
  const start = new Date(Date.now() + 86_400_000);
  start.setUTCHours(14, 0, 0, 0); // 09:00 EST / 10:00 EDT: the first occurrence's wall clock is the series' time
  const response = await createSeries(host.token, { title: 'Monthly review', start: start.toISOString(), timeZone: 'America/New_York', recurrence: 'FREQ=MONTHLY;BYDAY=1MO;UNTIL=20271231' });
  expect(response.status).toBe(201);
  const { series } = response.body;
  expect(series.recurrence).toBe('monthly on the first Monday, until 2027-12-31');
  const description = await env.client.schedule.getHandle(seriesScheduleId(series.id)).describe();
  expect(description.spec.calendars?.[0]).toMatchObject({ dayOfMonth: [{ start: 1, end: 7, step: 1 }], dayOfWeek: [{ start: 'MONDAY', end: 'MONDAY', step: 1 }] });
  const wall = local(start.toISOString(), 'America/New_York');
  expect(series.nextOccurrences.length).toBeGreaterThanOrEqual(6);
  const months = new Set<number>();
  for (const next of series.nextOccurrences) {
    const at = local(next.start, 'America/New_York');
    expect([at.weekday, at.day <= 7, at.hour, at.minute, next.date <= '2027-12-31']).toEqual([1, true, wall.hour, wall.minute, true]);
    months.add(at.year * 12 + at.month);
  }
  expect(months.size).toBe(series.nextOccurrences.length); // one a month
});

test('"every other Tuesday" (INTERVAL=2) occurs on Tuesdays two weeks apart', async () => {
  const host = await signUp(api, 'Otto Other');
  const response = await createSeries(host.token, { title: 'Planning', timeZone: 'UTC', recurrence: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU' });
  expect(response.status).toBe(201);
  const starts = response.body.series.nextOccurrences.map((next: { start: string }) => new Date(next.start));
  expect(starts.length).toBeGreaterThanOrEqual(3);
  for (const [index, at] of starts.entries()) {
    expect(at.getUTCDay()).toBe(2);
    if (index > 0) expect(at.getTime() - starts[index - 1].getTime()).toBe(14 * 86_400_000);
  }
});

test('PATCH /series/{id} moves the occurrences to come to a new time (the Schedule changes), renames them; only the host may', async () => {
  const host = await signUp(api, 'Pat Patch');
  const guest = await signUp(api, 'Gil Guest');
  const stranger = await signUp(api, 'Sue Stranger');
  const { body } = await createSeries(host.token, { timeZone: 'Europe/Berlin', recurrence: 'FREQ=DAILY', invitees: [guest.user.email] });
  const id = body.series.id;
  expect((await api.call('PATCH', `/series/${id}`, { token: guest.token, body: { time: '10:30' } })).status).toBe(403);
  expect((await api.call('PATCH', `/series/${id}`, { token: stranger.token, body: { time: '10:30' } })).status).toBe(404);
  const bad = await api.call('PATCH', `/series/${id}`, { token: host.token, body: { time: '25:00' } });
  expect([bad.status, bad.body.errors[0].field]).toEqual([400, 'body.time']);

  const patched = await api.call('PATCH', `/series/${id}`, { token: host.token, body: { time: '10:30', title: 'Daily sync', durationMinutes: 20 } });
  expect(patched.status).toBe(200);
  expect(patched.body.series).toMatchObject({ title: 'Daily sync', durationMinutes: 20 });
  for (const next of patched.body.series.nextOccurrences) expect([local(next.start, 'Europe/Berlin').hour, local(next.start, 'Europe/Berlin').minute]).toEqual([10, 30]);
  const description = await env.client.schedule.getHandle(seriesScheduleId(id)).describe();
  // Invites a day ahead: the Schedule fires at 10:30 the day before.
  expect(description.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 10, end: 10, step: 1 }], minute: [{ start: 30, end: 30, step: 1 }] });
  expect(description.action.type === 'startWorkflow' && description.action.args?.[0]).toMatchObject({ title: 'Daily sync', durationMinutes: 20 });
});

test('POST /series/{id}/skip: that date has no occurrence (a Schedule exclusion) and is listed as skipped; a date the series does not have is refused', async () => {
  const host = await signUp(api, 'Sam Skip');
  const { body } = await createSeries(host.token, { timeZone: 'America/New_York', recurrence: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR' });
  const id = body.series.id;
  const dates = body.series.nextOccurrences.map((next: { date: string }) => next.date);
  const skipped = dates[2];
  const response = await api.call('POST', `/series/${id}/skip`, { token: host.token, body: { date: skipped } });
  expect(response.status).toBe(200);
  expect(response.body.series.skippedDates).toEqual([skipped]);
  expect(response.body.series.nextOccurrences.map((next: { date: string }) => next.date)).not.toContain(skipped);
  expect(response.body.series.nextOccurrences.map((next: { date: string }) => next.date)).toEqual(expect.arrayContaining([dates[1], dates[3]]));
  const description = await env.client.schedule.getHandle(seriesScheduleId(id)).describe();
  expect(description.spec.skip).toHaveLength(1);

  const saturday = dates.find((date: string) => new Date(`${date}T12:00:00Z`).getUTCDay() === 5);
  const weekend = new Date(Date.parse(`${saturday}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const refused = await api.call('POST', `/series/${id}/skip`, { token: host.token, body: { date: weekend } });
  expect(refused.status).toBe(422);
  expect(refused.body.detail).toMatch(/has no occurrence to come on/);
  expect((await api.call('POST', `/series/${id}/skip`, { token: host.token, body: { date: '2027-02-30' } })).status).toBe(400);
});

test('DELETE /series/{id} cancels the series: the Schedule is paused, nothing comes next, and the occurrence already made is cancelled', async () => {
  const host = await signUp(api, 'Cleo Cancel');
  const guest = await signUp(api, 'Gert Guest');
  const { body } = await createSeries(host.token, { timeZone: 'Europe/Berlin', recurrence: 'FREQ=DAILY;COUNT=5', invitees: [guest.user.email] });
  const id = body.series.id;
  await env.client.schedule.getHandle(seriesScheduleId(id)).trigger();
  const [room] = await occurrencesOf(id, 1);
  const meeting = env.client.workflow.getHandle(room.workflowId!);
  await waitForPhase(meeting, ['waiting'], 20_000);

  expect((await api.call('DELETE', `/series/${id}`, { token: guest.token })).status).toBe(403);
  const response = await api.call('DELETE', `/series/${id}`, { token: host.token });
  expect(response.status).toBe(200);
  expect(response.body.series).toMatchObject({ status: 'cancelled', nextOccurrences: [] });
  expect((await env.client.schedule.getHandle(seriesScheduleId(id)).describe()).state.paused).toBe(true);
  expect(await waitForPhase(meeting, ['cancelled'], 20_000)).toBe('cancelled');
  expect((await api.call('PATCH', `/series/${id}`, { token: host.token, body: { title: 'Again' } })).status).toBe(409);
});

test('skipping the date of an occurrence whose meeting was already made (invites go out ahead) cancels that meeting', async () => {
  const host = await signUp(api, 'Mia Made');
  const { body } = await createSeries(host.token, { timeZone: 'UTC', recurrence: 'FREQ=DAILY' });
  const id = body.series.id;
  await env.client.schedule.getHandle(seriesScheduleId(id)).trigger(); // the occurrence a day from now
  const [room] = await occurrencesOf(id, 1);
  const meeting = env.client.workflow.getHandle(room.workflowId!);
  await waitForPhase(meeting, ['waiting'], 20_000);
  const date = room.scheduledStartTime!.toISOString().slice(0, 10);
  const response = await api.call('POST', `/series/${id}/skip`, { token: host.token, body: { date } });
  expect(response.status).toBe(200);
  expect(response.body.series.skippedDates).toEqual([date]);
  expect(await waitForPhase(meeting, ['cancelled'], 20_000)).toBe('cancelled');
  expect(response.body.series.nextOccurrences.map((next: { date: string }) => next.date)).not.toContain(date);
});
