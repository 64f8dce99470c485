import { parseScheduleCommand, ScheduleParseError } from '../../bot/parse-schedule';

// "Now" for every case: Wednesday 25 November 2026, 12:00 UTC (07:00 in New York, 13:00 in Berlin,
// 21:00 in Tokyo, 17:30 in Kolkata, 04:00 in Los Angeles).
const NOW = new Date('2026-11-25T12:00:00Z');

const CASES: [text: string, timeZone: string, start: string, title: string, minutes?: number][] = [
  ['Budget review tomorrow 3pm', 'America/New_York', '2026-11-26T20:00:00.000Z', 'Budget review'],
  ['Standup tomorrow at 9:30', 'Europe/Berlin', '2026-11-26T08:30:00.000Z', 'Standup'],
  ['Sync next Tuesday at 10:30', 'America/New_York', '2026-12-01T15:30:00.000Z', 'Sync'],
  ['Retro in 2 hours', 'Europe/Berlin', '2026-11-25T14:00:00.000Z', 'Retro'],
  ['Planning Dec 3 14:00', 'Europe/Berlin', '2026-12-03T13:00:00.000Z', 'Planning'],
  ['Review on Friday at 4pm', 'Asia/Tokyo', '2026-11-27T07:00:00.000Z', 'Review'],
  ['1:1 Monday 9am', 'Asia/Kolkata', '2026-11-30T03:30:00.000Z', '1:1'],
  ['Demo today at 5pm', 'America/Los_Angeles', '2026-11-26T01:00:00.000Z', 'Demo'],
  ['Kickoff in 30 minutes', 'UTC', '2026-11-25T12:30:00.000Z', 'Kickoff'],
  ['Lunch tomorrow at noon', 'UTC', '2026-11-26T12:00:00.000Z', 'Lunch'],
  ['Design crit December 10 at 2:15pm', 'America/New_York', '2026-12-10T19:15:00.000Z', 'Design crit'],
  ['Spring planning March 30 2027 at 10:00', 'Europe/Berlin', '2027-03-30T08:00:00.000Z', 'Spring planning'],
  ['Q2 kickoff March 15 2027 9am', 'America/New_York', '2027-03-15T13:00:00.000Z', 'Q2 kickoff'],
  ['Offsite 2027-01-15 09:00', 'Europe/Berlin', '2027-01-15T08:00:00.000Z', 'Offsite'],
  ['Board meeting 12/01 at 11am', 'America/New_York', '2026-12-01T16:00:00.000Z', 'Board meeting'],
  ['Sprint review Thursday 3:30pm for 90 minutes', 'Europe/Berlin', '2026-11-26T14:30:00.000Z', 'Sprint review', 90],
  ['Hiring debrief tomorrow 11am for 1 hour', 'America/New_York', '2026-11-26T16:00:00.000Z', 'Hiring debrief', 60],
  ['All hands in 1 hour', 'Asia/Tokyo', '2026-11-25T13:00:00.000Z', 'All hands'],
  ['Incident review tomorrow 08:00 for 45m', 'Asia/Kolkata', '2026-11-26T02:30:00.000Z', 'Incident review', 45],
  ['Coffee chat Friday 10am for half an hour', 'America/Los_Angeles', '2026-11-27T18:00:00.000Z', 'Coffee chat', 30],
  ['Architecture review next Wednesday 14:00', 'Europe/Berlin', '2026-12-02T13:00:00.000Z', 'Architecture review'],
  ['Customer call tomorrow at 3:45 pm', 'Asia/Tokyo', '2026-11-26T06:45:00.000Z', 'Customer call'],
  ['Late sync today at 11pm', 'Asia/Kolkata', '2026-11-25T17:30:00.000Z', 'Late sync'],
  ['Yearly planning Jan 5 10am', 'UTC', '2027-01-05T10:00:00.000Z', 'Yearly planning'],
  ['Interview Nov 30 at 13:30', 'Europe/Berlin', '2026-11-30T12:30:00.000Z', 'Interview'],
  ['Pairing in 90 minutes', 'UTC', '2026-11-25T13:30:00.000Z', 'Pairing'],
  ['Town hall December 1st 4pm', 'America/Los_Angeles', '2026-12-02T00:00:00.000Z', 'Town hall'],
  ['Vendor meeting 3pm tomorrow', 'America/New_York', '2026-11-26T20:00:00.000Z', 'Vendor meeting'],
  ['Post-mortem Monday at 8:15', 'Asia/Tokyo', '2026-11-29T23:15:00.000Z', 'Post-mortem'],
  ['Strategy session for 2 hours tomorrow at 10am', 'Europe/Berlin', '2026-11-26T09:00:00.000Z', 'Strategy session', 120],
  ['Weekly sync Friday 17:00 for 1.5 hours', 'UTC', '2026-11-27T17:00:00.000Z', 'Weekly sync', 90],
  ['Ops review tomorrow at 7am', 'America/Los_Angeles', '2026-11-26T15:00:00.000Z', 'Ops review'],
];

test.each(CASES)('"%s" in %s starts at %s', (text, timeZone, start, title, minutes = 30) => {
  const parsed = parseScheduleCommand(text, NOW, timeZone);
  expect({ start: parsed.start.toISOString(), title: parsed.title, minutes: parsed.durationMinutes }).toEqual({ start, title, minutes });
});

test('across the end of daylight saving: "Monday 9am" in New York is 09:00 EST, not the summer offset of the day it was typed', () => {
  const parsed = parseScheduleCommand('Sync Monday 9am', new Date('2026-10-30T12:00:00Z'), 'America/New_York');
  expect(parsed.start.toISOString()).toBe('2026-11-02T14:00:00.000Z');
});

test('mentions, emails (as Slack escapes them or typed), tags and duration are taken out of the title', () => {
  const parsed = parseScheduleCommand('Budget review tomorrow 3pm for 45m with <@U123ABC|alice> <@W456> <!subteam^S0ENG|@eng> <mailto:carol@example.com|carol@example.com> dan@example.org #finance #Q4', NOW, 'UTC');
  expect(parsed).toMatchObject({ title: 'Budget review', durationMinutes: 45, slackUserIds: ['U123ABC', 'W456'], userGroupIds: ['S0ENG'], emails: ['carol@example.com', 'dan@example.org'], tags: ['finance', 'q4'], start: new Date('2026-11-26T15:00:00Z') });
});

test.each([
  ['Budget review', /could not find when in "Budget review"/],
  ['Retro yesterday at 3pm', /"yesterday at 3pm" is in the past/],
  ['tomorrow at 3pm', /needs a title before the time/],
  ['Marathon planning tomorrow 9am for 30 hours', /between 1 minute and 24 hours/],
])('"%s" is refused with what was not understood', (text, message) => {
  expect(() => parseScheduleCommand(text, NOW, 'UTC')).toThrow(ScheduleParseError);
  expect(() => parseScheduleCommand(text, NOW, 'UTC')).toThrow(message);
});
