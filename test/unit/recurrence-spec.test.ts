import { effectiveLeadMinutes, RecurrenceError, recurrenceSpec } from '../../clients/recurring';

const berlin = (iso: string) => ({ firstStart: new Date(iso), timeZone: 'Europe/Berlin' });

test('weekdays at 10:00 Berlin with invites an hour ahead fires at 09:00 Berlin, Monday to Friday', () => {
  const spec = recurrenceSpec({ ...berlin('2026-12-01T09:00:00Z'), recurrence: { frequency: 'weekdays' } }, 60);
  expect(spec).toMatchObject({ timezone: 'Europe/Berlin', calendars: [{ hour: 9, minute: 0, dayOfWeek: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] }] });
});

test('a lead of a day fires on the previous weekday at the same wall-clock time', () => {
  const spec = recurrenceSpec({ ...berlin('2026-12-01T09:00:00Z'), recurrence: { frequency: 'weekdays' } }, 24 * 60);
  expect(spec.calendars).toEqual([{ hour: 10, minute: 0, dayOfWeek: ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY'] }]);
});

test('weekly on Tuesday 00:30 with an hour of lead fires Monday 23:30', () => {
  // 2026-12-01 is a Tuesday; 00:30 in Berlin (winter, UTC+1) is 23:30 UTC the day before.
  const spec = recurrenceSpec({ ...berlin('2026-11-30T23:30:00Z'), recurrence: { frequency: 'weekly' } }, 60);
  expect(spec.calendars).toEqual([{ hour: 23, minute: 30, dayOfWeek: ['MONDAY'] }]);
});

test('daily keeps the wall-clock time across daylight saving (a calendar in the zone, not a fixed interval)', () => {
  const spec = recurrenceSpec({ ...berlin('2027-03-25T08:00:00Z'), recurrence: { frequency: 'daily' } }, 0);
  expect(spec).toMatchObject({ timezone: 'Europe/Berlin', calendars: [{ hour: 9, minute: 0, dayOfWeek: '*' }] });
});

test('every other week is an interval of 14 days aligned on the first occurrence', () => {
  const first = new Date('2026-12-02T14:00:00Z');
  const spec = recurrenceSpec({ firstStart: first, timeZone: 'UTC', recurrence: { frequency: 'every_n_weeks', interval: 2 } }, 60);
  const every = 14 * 86_400_000;
  expect(spec.intervals).toEqual([{ every, offset: (first.getTime() - 3_600_000) % every }]);
});

test('monthly on the first Monday at 9:00 New York is Monday on days 1-7; a day of lead is cut to the same day (no calendar names the day before a first Monday)', () => {
  // 2027-01-04 is the first Monday of January; 09:00 EST is 14:00 UTC.
  const request = { firstStart: new Date('2027-01-04T14:00:00Z'), timeZone: 'America/New_York', recurrence: { frequency: 'monthly' as const, weekOfMonth: 1 } };
  expect(effectiveLeadMinutes(request, 24 * 60)).toBe(9 * 60);
  expect(effectiveLeadMinutes(request, 60)).toBe(60);
  expect(recurrenceSpec(request, 9 * 60)).toMatchObject({ timezone: 'America/New_York', calendars: [{ hour: 0, minute: 0, dayOfWeek: 'MONDAY', dayOfMonth: { start: 1, end: 7 } }] });
  expect(recurrenceSpec({ ...request, recurrence: { frequency: 'monthly', weekOfMonth: 3 } }, 60).calendars).toEqual([{ hour: 8, minute: 0, dayOfWeek: 'MONDAY', dayOfMonth: { start: 15, end: 21 } }]);
});

test('weekly on several days fires on each of them', () => {
  const spec = recurrenceSpec({ ...berlin('2026-11-30T09:00:00Z'), recurrence: { frequency: 'weekly', days: [1, 4] } }, 60);
  expect(spec.calendars).toEqual([{ hour: 9, minute: 0, dayOfWeek: ['MONDAY', 'THURSDAY'] }]);
});

test('until ends the schedule on that day (in time for its last occurrence)', () => {
  const spec = recurrenceSpec({ ...berlin('2026-12-01T09:00:00Z'), recurrence: { frequency: 'daily', until: '2026-12-31' } }, 60);
  expect(spec.endAt?.toISOString()).toBe('2026-12-31T22:59:59.000Z');
});

test.each([
  [{ frequency: 'yearly' }, 'UTC', /frequency must be daily, weekdays, weekly, every_n_weeks or monthly, not "yearly"/],
  [{ frequency: 'monthly', weekOfMonth: 5 }, 'UTC', /weekOfMonth is 1 to 4/],
  [{ frequency: 'every_n_weeks', interval: 0 }, 'UTC', /interval between 1 and 52/],
  [{ frequency: 'daily', count: 0 }, 'UTC', /count must be a whole number/],
  [{ frequency: 'daily', until: 'next year' }, 'UTC', /until must be a date like 2027-03-31/],
  [{ frequency: 'daily' }, 'Mars/Olympus', /unknown time zone "Mars\/Olympus"/],
])('bad recurrence %j in %s is refused with a message saying what to fix', (recurrence, timeZone, message) => {
  expect(() => recurrenceSpec({ firstStart: new Date(), timeZone, recurrence: recurrence as never }, 60)).toThrow(RecurrenceError);
  expect(() => recurrenceSpec({ firstStart: new Date(), timeZone, recurrence: recurrence as never }, 60)).toThrow(message);
});
