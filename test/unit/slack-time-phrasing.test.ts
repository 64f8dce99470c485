import { parseScheduleCommand } from '../../bot/parse-schedule';
import { NonexistentTimeError } from '../../bot/time';

// Wednesday 25 November 2026, 12:00 UTC: 07:00 in New York, 13:00 in Berlin, 21:00 in Tokyo, 17:30 in Kolkata,
// 04:00 in Los Angeles, 23:00 in Sydney.
const NOW = new Date('2026-11-25T12:00:00Z');
// Saturday 13 March 2027, 12:00 UTC: New York springs forward the next night (02:00 -> 03:00 on the 14th);
// Berlin on the 28th (02:00 -> 03:00).
const SPRING = new Date('2027-03-13T12:00:00Z');
// Wednesday 28 October 2026, 12:00 UTC: New York falls back on Sunday 1 November (02:00 -> 01:00).
const FALL = new Date('2026-10-28T12:00:00Z');

type Case = [text: string, timeZone: string, now: Date, start: string, title: string, minutes: number, defaulted: boolean];

const CASES: Case[] = [
  // "at 9" without a date is the next 9:00 in the person's zone.
  ['Retro at 9', 'UTC', NOW, '2026-11-26T09:00:00.000Z', 'Retro', 30, false],
  ['Retro at 9', 'America/New_York', NOW, '2026-11-25T14:00:00.000Z', 'Retro', 30, false],
  ['Retro at 9', 'Asia/Tokyo', NOW, '2026-11-26T00:00:00.000Z', 'Retro', 30, false],
  ['Check-in at 9:30', 'Europe/Berlin', NOW, '2026-11-26T08:30:00.000Z', 'Check-in', 30, false],
  ['Sync at 9', 'America/New_York', SPRING, '2027-03-13T14:00:00.000Z', 'Sync', 30, false],
  // A day without a time is at 9:00 (a whole hour, said in the reply), never the current minute.
  ['Standup tomorrow', 'UTC', new Date('2026-11-25T12:37:00Z'), '2026-11-26T09:00:00.000Z', 'Standup', 30, true],
  ['Review Friday', 'America/New_York', new Date('2026-11-25T12:41:00Z'), '2026-11-27T14:00:00.000Z', 'Review', 30, true],
  ['Offsite Dec 3', 'Europe/Berlin', NOW, '2026-12-03T08:00:00.000Z', 'Offsite', 30, true],
  ['Kickoff next Monday', 'Asia/Kolkata', NOW, '2026-11-30T03:30:00.000Z', 'Kickoff', 30, true],
  // The day after tomorrow, with and without "the".
  ['Planning the day after tomorrow', 'UTC', NOW, '2026-11-27T09:00:00.000Z', 'Planning', 30, true],
  ['Planning day after tomorrow at 3pm', 'Europe/Berlin', NOW, '2026-11-27T14:00:00.000Z', 'Planning', 30, false],
  ['Planning the day after tomorrow at 10:30', 'Asia/Tokyo', NOW, '2026-11-27T01:30:00.000Z', 'Planning', 30, false],
  ['Late call the day after tomorrow 11pm', 'America/Los_Angeles', NOW, '2026-11-28T07:00:00.000Z', 'Late call', 30, false],
  // ... counted from the person's own date when it differs from UTC's (19:05 on 1 December in New York is
  // 2 December in UTC; 01:00 on 26 November in Tokyo is the 25th in UTC).
  ['Planning the day after tomorrow', 'America/New_York', new Date('2026-12-02T00:05:00Z'), '2026-12-03T14:00:00.000Z', 'Planning', 30, true],
  ['Late call the day after tomorrow 11pm to 1am', 'America/New_York', new Date('2026-12-02T00:05:00Z'), '2026-12-04T04:00:00.000Z', 'Late call', 120, false],
  ['Planning day after tomorrow at 3pm', 'Asia/Tokyo', new Date('2026-11-25T16:00:00Z'), '2026-11-28T06:00:00.000Z', 'Planning', 30, false],
  // A time range sets the length.
  ['Demo tomorrow 5pm to 6:15pm', 'America/New_York', NOW, '2026-11-26T22:00:00.000Z', 'Demo', 75, false],
  ['Workshop Friday 10:00-11:30', 'Europe/Berlin', NOW, '2026-11-27T09:00:00.000Z', 'Workshop', 90, false],
  ['Workshop Friday from 9am to 12pm', 'Asia/Kolkata', NOW, '2026-11-27T03:30:00.000Z', 'Workshop', 180, false],
  ['Deep dive tomorrow 14:00 to 16:00', 'Asia/Tokyo', NOW, '2026-11-26T05:00:00.000Z', 'Deep dive', 120, false],
  ['Office hours Monday 4-5pm', 'America/Los_Angeles', NOW, '2026-12-01T00:00:00.000Z', 'Office hours', 60, false],
  ['Range March 28 9:00 to 10:30', 'Europe/Berlin', SPRING, '2027-03-28T07:00:00.000Z', 'Range', 90, false],
  // A quoted title keeps its words (even ones that look like a time or a tag) but not its quotes.
  ['"Friday 3pm retro" Monday at 10', 'UTC', NOW, '2026-11-30T10:00:00.000Z', 'Friday 3pm retro', 30, false],
  ['"Q4 #budget" tomorrow 3pm', 'America/New_York', NOW, '2026-11-26T20:00:00.000Z', 'Q4 #budget', 30, false],
  ['\u201cDesign crit\u201d Thursday at 2pm', 'Europe/Berlin', NOW, '2026-11-26T13:00:00.000Z', 'Design crit', 30, false],
  ['"Lunch and learn" tomorrow at noon for 1 hour', 'UTC', NOW, '2026-11-26T12:00:00.000Z', 'Lunch and learn', 60, false],
  // Ordinary phrasings in several zones.
  ['Budget review tomorrow 3pm', 'America/New_York', NOW, '2026-11-26T20:00:00.000Z', 'Budget review', 30, false],
  ['Sync next Tuesday at 10:30', 'America/New_York', NOW, '2026-12-01T15:30:00.000Z', 'Sync', 30, false],
  ['Retro in 2 hours', 'Europe/Berlin', NOW, '2026-11-25T14:00:00.000Z', 'Retro', 30, false],
  ['Kickoff Dec 10 at 2:15pm', 'Australia/Sydney', NOW, '2026-12-10T03:15:00.000Z', 'Kickoff', 30, false],
  ['1:1 Monday 9am', 'Asia/Kolkata', NOW, '2026-11-30T03:30:00.000Z', '1:1', 30, false],
  ['Leap day Feb 29 2028 at 10', 'UTC', NOW, '2028-02-29T10:00:00.000Z', 'Leap day', 30, false],
  // New York springs forward on 14 March 2027.
  ['Sync tomorrow at 9am', 'America/New_York', SPRING, '2027-03-14T13:00:00.000Z', 'Sync', 30, false],
  ['Sync tomorrow', 'America/New_York', SPRING, '2027-03-14T13:00:00.000Z', 'Sync', 30, true],
  ['Sync tomorrow at 3am', 'America/New_York', SPRING, '2027-03-14T07:00:00.000Z', 'Sync', 30, false],
  ['Sync tomorrow at 1:30am', 'America/New_York', SPRING, '2027-03-14T06:30:00.000Z', 'Sync', 30, false],
  ['Sync Monday 9am', 'America/New_York', SPRING, '2027-03-15T13:00:00.000Z', 'Sync', 30, false],
  ['Overnight in 24 hours', 'America/New_York', SPRING, '2027-03-14T12:00:00.000Z', 'Overnight', 30, false],
  // Berlin springs forward on 28 March 2027.
  ['Berlin sync March 27 at 10', 'Europe/Berlin', SPRING, '2027-03-27T09:00:00.000Z', 'Berlin sync', 30, false],
  ['Berlin sync March 28 at 10', 'Europe/Berlin', SPRING, '2027-03-28T08:00:00.000Z', 'Berlin sync', 30, false],
  ['Berlin sync March 28 at 1:30', 'Europe/Berlin', SPRING, '2027-03-28T00:30:00.000Z', 'Berlin sync', 30, false],
  ['Berlin sync March 28 at 3:00', 'Europe/Berlin', SPRING, '2027-03-28T01:00:00.000Z', 'Berlin sync', 30, false],
  // New York falls back on 1 November 2026.
  ['Sync Saturday 9am', 'America/New_York', FALL, '2026-10-31T13:00:00.000Z', 'Sync', 30, false],
  ['Sync Sunday 9am', 'America/New_York', FALL, '2026-11-01T14:00:00.000Z', 'Sync', 30, false],
  ['Sync Sunday', 'America/New_York', FALL, '2026-11-01T14:00:00.000Z', 'Sync', 30, true],
  ['Sync Monday at 9', 'America/New_York', FALL, '2026-11-02T14:00:00.000Z', 'Sync', 30, false],
  ['Sync Nov 1 at 3am', 'America/New_York', FALL, '2026-11-01T08:00:00.000Z', 'Sync', 30, false],
  // Berlin falls back on 31 October 2027.
  ['Retro 2027-10-30 10:00', 'Europe/Berlin', NOW, '2027-10-30T08:00:00.000Z', 'Retro', 30, false],
  ['Retro 2027-10-31 10:00', 'Europe/Berlin', NOW, '2027-10-31T09:00:00.000Z', 'Retro', 30, false],
];

test.each(CASES)('"%s" in %s (now %s) starts at %s', (text, timeZone, now, start, title, minutes, defaulted) => {
  const parsed = parseScheduleCommand(text, now, timeZone);
  expect({ start: parsed.start.toISOString(), title: parsed.title, minutes: parsed.durationMinutes, defaulted: parsed.timeDefaulted }).toEqual({ start, title, minutes, defaulted });
});

const TIME_FORM = /write a time like 9:15, 14:30 or 2:30pm/;
const DATE_FORM = /write a date like Mar 1, 1 March or 2027-03-01/;

test.each([
  ['Call 25:00', 'UTC', NOW, /"25:00" is not a time/, TIME_FORM],
  ['Call tomorrow at 24:00', 'UTC', NOW, /"24:00" is not a time/, TIME_FORM],
  ['Call tomorrow 9:60', 'Europe/Berlin', NOW, /"9:60" is not a time/, TIME_FORM],
  ['Call 13pm tomorrow', 'America/New_York', NOW, /"13pm" is not a time/, TIME_FORM],
  ['Call tomorrow 0am', 'UTC', NOW, /"0am" is not a time/, TIME_FORM],
  ['Call Feb 30 at 10', 'UTC', NOW, /"Feb 30" is not a date: February 2027 has 28 days/, DATE_FORM],
  ['Call 31 April at 10', 'Asia/Tokyo', NOW, /"31 April" is not a date: April 2027 has 30 days/, DATE_FORM],
  ['Call 2027-02-29 10:00', 'UTC', NOW, /"2027-02-29" is not a date: February 2027 has 28 days/, DATE_FORM],
  ['Call 2/30 at 9', 'America/New_York', NOW, /"2\/30" is not a date/, DATE_FORM],
  ['Call 2027-13-01 9:00', 'UTC', NOW, /there is no month 13/, DATE_FORM],
  ['Early sync March 14 2027 2:30am', 'America/New_York', SPRING, /does not exist in America\/New_York: on 2027-03-14 the clocks skip 2:30/, /an hour earlier or later/],
  ['Early sync March 28 at 2:30', 'Europe/Berlin', SPRING, /does not exist in Europe\/Berlin: on 2027-03-28 the clocks skip 2:30/, /an hour earlier or later/],
])('"%s" in %s is refused with the right form, not guessed', (text, timeZone, now, what, form) => {
  const attempt = () => parseScheduleCommand(text, now, timeZone);
  expect(attempt).toThrow(NonexistentTimeError);
  expect(attempt).toThrow(what);
  expect(attempt).toThrow(form);
});

test('a range and a length that disagree are refused instead of one winning silently', () => {
  expect(() => parseScheduleCommand('Demo tomorrow 5pm to 6pm for 2 hours', NOW, 'UTC')).toThrow(/is 60 minutes but "for 2 hours" says otherwise/);
});
