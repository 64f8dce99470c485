import { parseSeriesCommand } from '../../bot/parse-series';

// Wednesday 25 November 2026, 12:00 UTC (13:00 in Berlin, 07:00 in New York).
const NOW = new Date('2026-11-25T12:00:00Z');

test.each([
  ['Standup every weekday 9:15 with <@U123>', 'Europe/Berlin', 'Standup', 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', '2026-11-26T08:15:00.000Z', 30, false],
  ['Standup every weekday 9:15 until 2027-03-01', 'Europe/Berlin', 'Standup', 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20270301', '2026-11-26T08:15:00.000Z', 30, false],
  ['Standup every weekday 9:15 for 10 times', 'Europe/Berlin', 'Standup', 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=10', '2026-11-26T08:15:00.000Z', 30, false],
  ['Standup every weekday 9:15 to 9:30', 'Europe/Berlin', 'Standup', 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', '2026-11-26T08:15:00.000Z', 15, false],
  ['Planning every other Tuesday at 10', 'America/New_York', 'Planning', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU', '2026-11-25T15:00:00.000Z', 30, false],
  ['Planning every 3 weeks on Friday at 4pm for 1 hour', 'UTC', 'Planning', 'FREQ=WEEKLY;INTERVAL=3;BYDAY=FR', '2026-11-25T16:00:00.000Z', 60, false],
  ['Review monthly on the first Monday at 9', 'America/New_York', 'Review', 'FREQ=MONTHLY;BYDAY=1MO', '2026-11-25T14:00:00.000Z', 30, false],
  ['Ops review on the second Tuesday of every month at 11', 'Europe/Berlin', 'Ops review', 'FREQ=MONTHLY;BYDAY=2TU', '2026-11-26T10:00:00.000Z', 30, false],
  ['Sync every Monday and Thursday at 4pm', 'Europe/Berlin', 'Sync', 'FREQ=WEEKLY;BYDAY=MO,TH', '2026-11-25T15:00:00.000Z', 30, false],
  ['Team sync weekly on Wednesday at 14:00', 'Europe/Berlin', 'Team sync', 'FREQ=WEEKLY;BYDAY=WE', '2026-11-25T13:00:00.000Z', 30, false],
  ['Daily standup daily at 9:30', 'Europe/Berlin', 'Daily standup', 'FREQ=DAILY', '2026-11-26T08:30:00.000Z', 30, false],
  ['Retro every Friday until March 1', 'Europe/Berlin', 'Retro', 'FREQ=WEEKLY;BYDAY=FR;UNTIL=20270301', '2026-11-26T08:00:00.000Z', 30, true],
  ['"Every day counts" every Monday at 10', 'UTC', 'Every day counts', 'FREQ=WEEKLY;BYDAY=MO', '2026-11-26T10:00:00.000Z', 30, false],
])('"%s" in %s is the series "%s" %s from %s', (text, timeZone, title, rule, start, minutes, defaulted) => {
  const parsed = parseSeriesCommand(text, NOW, timeZone);
  expect(parsed && { title: parsed.title, rule: parsed.rule, start: parsed.start.toISOString(), minutes: parsed.durationMinutes, defaulted: parsed.timeDefaulted }).toEqual({ title, rule, start, minutes, defaulted });
});

test.each(['Budget review tomorrow 3pm', 'Daily standup tomorrow at 9', 'Weekly sync Friday 17:00 for 1.5 hours', 'Review of daily metrics tomorrow 3pm', '"Every day counts" tomorrow at 10'])('"%s" is one meeting, not a series', (text) => {
  expect(parseSeriesCommand(text, NOW, 'UTC')).toBeUndefined();
});

test('an end date and a count together are refused', () => {
  expect(() => parseSeriesCommand('Standup every weekday 9:15 until 2027-03-01 for 10 times', NOW, 'UTC')).toThrow(/not both/);
});

test('an end date that does not exist is refused with the form', () => {
  expect(() => parseSeriesCommand('Standup every weekday 9:15 until Feb 30', NOW, 'UTC')).toThrow(/"Feb 30" is not a date/);
});
