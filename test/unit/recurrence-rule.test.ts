import { RecurrenceError } from '../../clients/recurring';
import { describeRecurrence, firstOccurrence, formatRecurrenceRule, occursOn, parseRecurrenceRule } from '../../commands/recurrence-rule';

test.each([
  ['FREQ=DAILY', { frequency: 'daily' }, 'every day'],
  ['FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', { frequency: 'weekdays' }, 'every weekday'],
  ['FREQ=WEEKLY;BYDAY=TH,MO;COUNT=6', { frequency: 'weekly', days: [1, 4], count: 6 }, 'every Monday, Thursday, 6 times'],
  ['FREQ=WEEKLY;INTERVAL=2;BYDAY=TU', { frequency: 'every_n_weeks', interval: 2, days: [2] }, 'every other Tuesday'],
  ['FREQ=WEEKLY;INTERVAL=3;BYDAY=FR;UNTIL=20270301', { frequency: 'every_n_weeks', interval: 3, days: [5], until: '2027-03-01' }, 'every 3 weeks on Friday, until 2027-03-01'],
  ['FREQ=MONTHLY;BYDAY=1MO', { frequency: 'monthly', weekOfMonth: 1, days: [1] }, 'monthly on the first Monday'],
  ['RRULE:freq=monthly;byday=3we;count=4', { frequency: 'monthly', weekOfMonth: 3, days: [3], count: 4 }, 'monthly on the third Wednesday, 4 times'],
])('%s is %j ("%s")', (rule, recurrence, words) => {
  const parsed = parseRecurrenceRule(rule);
  expect(parsed).toEqual(recurrence);
  expect(describeRecurrence(parsed)).toBe(words);
  expect(parseRecurrenceRule(formatRecurrenceRule(parsed))).toEqual(parsed);
});

test.each([
  ['FREQ=HOURLY', 'FREQ=HOURLY is not supported'],
  ['FREQ=DAILY;BYMONTHDAY=1', 'BYMONTHDAY is not supported'],
  ['BYDAY=MO', 'FREQ is missing'],
  ['FREQ=DAILY;INTERVAL=2', 'INTERVAL=2 with FREQ=DAILY is not supported'],
  ['FREQ=MONTHLY;BYDAY=MO', 'FREQ=MONTHLY needs one BYDAY with its week'],
  ['FREQ=MONTHLY;BYDAY=5MO', 'FREQ=MONTHLY needs one BYDAY with its week'],
  ['FREQ=WEEKLY;COUNT=0', 'COUNT=0 is not a number of occurrences'],
  ['FREQ=WEEKLY;COUNT=3;UNTIL=20270101', 'UNTIL and COUNT cannot both be given'],
  ['FREQ=WEEKLY;WKST', '"WKST" is not NAME=value'],
])('%s is refused: %s', (rule, message) => {
  expect(() => parseRecurrenceRule(rule)).toThrow(RecurrenceError);
  expect(() => parseRecurrenceRule(rule)).toThrow(message);
});

test('the first occurrence is the first day the rule allows, at the wall-clock time asked for (across a DST change)', () => {
  // Wednesday 2 December 2026, 09:00 New York: the first Monday of December is the 7th; after that, 4 January.
  expect(firstOccurrence(parseRecurrenceRule('FREQ=MONTHLY;BYDAY=1MO'), new Date('2026-12-02T14:00:00Z'), 'America/New_York').toISOString()).toBe('2026-12-07T14:00:00.000Z');
  expect(firstOccurrence(parseRecurrenceRule('FREQ=MONTHLY;BYDAY=1MO'), new Date('2026-12-08T14:00:00Z'), 'America/New_York').toISOString()).toBe('2027-01-04T14:00:00.000Z');
  expect(firstOccurrence(parseRecurrenceRule('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR'), new Date('2026-12-05T14:00:00Z'), 'America/New_York').toISOString()).toBe('2026-12-07T14:00:00.000Z');
  // Saturday 13 March 2027 09:00 EST; the next Monday is after the spring change: 09:00 EDT.
  expect(firstOccurrence(parseRecurrenceRule('FREQ=WEEKLY;BYDAY=MO'), new Date('2027-03-13T14:00:00Z'), 'America/New_York').toISOString()).toBe('2027-03-15T13:00:00.000Z');
});

test('occursOn knows the series\' days, its week parity and its end', () => {
  const anchor = new Date('2026-12-01T09:00:00Z'); // a Tuesday
  const everyOther = parseRecurrenceRule('FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20270131');
  expect(['2026-12-01', '2026-12-08', '2026-12-15', '2027-01-26', '2027-02-09', '2026-11-17'].map((date) => occursOn(everyOther, anchor, 'UTC', date))).toEqual([true, false, true, true, false, false]);
  const firstMonday = parseRecurrenceRule('FREQ=MONTHLY;BYDAY=1MO');
  expect(['2027-01-04', '2027-01-11', '2027-02-01', '2027-03-01', '2027-03-08'].map((date) => occursOn(firstMonday, anchor, 'UTC', date))).toEqual([true, false, true, true, false]);
});
