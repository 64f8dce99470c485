import * as chrono from 'chrono-node';
import { addDays, type WallTime, wallTimeOf, wallTimeToInstant, zoneOffsetMinutes } from '../clients/zone-time';

export { wallTimeToInstant, zoneOffsetMinutes };

export interface ParsedWhen {
  start: Date;
  /** The end of a range ("5pm to 6:15pm"), when one was typed. */
  end?: Date;
  /** The words that said when, as typed. */
  text: string;
  index: number;
  /** A day was given without a time: the start is at DEFAULT_TIME, which the reply says. */
  timeDefaulted: boolean;
}

/** The time a day without a time gets: a whole hour, said back to the person. */
export const DEFAULT_TIME = { hour: 9, minute: 0, text: '9:00' };

/** A time or date that does not exist ("25:00", "Feb 30"): refused with the form to use, never guessed. */
export class NonexistentTimeError extends Error {
  override name = 'NonexistentTimeError';
}

const RELATIVE = /\b(in|within)\s+(an?|\d+(\.\d+)?)\s+(min|mins|minutes?|hours?|hrs?|h|days?|weeks?)\b/i;
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const MONTH = String.raw`(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`;
const TIME_FORM = 'write a time like 9:15, 14:30 or 2:30pm (hours 0-23, or 1-12 with am/pm; minutes 00-59)';
const DATE_FORM = 'write a date like Mar 1, 1 March or 2027-03-01';

const monthIndex = (name: string) => MONTH_NAMES.findIndex((month) => month.toLowerCase().startsWith(name.slice(0, 3).toLowerCase()));
const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month + 1, 0)).getUTCDate();

/** The year a month and day without a year fall in: this year, or next year once it has passed. */
function yearOf(month: number, day: number, now: Date, timeZone: string, typedYear?: string): number {
  if (typedYear) return Number(typedYear);
  const today = wallTimeOf(now, timeZone);
  return month + 1 < today.month || (month + 1 === today.month && day < today.day) ? today.year + 1 : today.year;
}

function checkDay(typed: string, year: number, month: number, day: number): void {
  if (month < 0 || month > 11) throw new NonexistentTimeError(`"${typed}" is not a date: there is no month ${month + 1}; ${DATE_FORM}`);
  if (day < 1 || day > daysIn(year, month)) throw new NonexistentTimeError(`"${typed}" is not a date: ${MONTH_NAMES[month]} ${year} has ${daysIn(year, month)} days; ${DATE_FORM}`);
}

/** Refuses times and dates that do not exist, which chrono would skip or roll over into another day. */
export function checkTimesExist(text: string, now: Date, timeZone: string): void {
  for (const match of text.matchAll(/(?<![\d:.])(\d{1,2}):(\d{2})(?![\d:])(\s*[ap]\.?m\.?\b)?/gi)) {
    const [hour, minute] = [Number(match[1]), Number(match[2])];
    if (hour > (match[3] ? 12 : 23) || minute > 59 || (match[3] && hour === 0)) throw new NonexistentTimeError(`"${match[0].trim()}" is not a time: ${TIME_FORM}`);
  }
  for (const match of text.matchAll(/(?<![\d:.])(\d{1,2})\s*([ap])\.?m\.?(?![a-z])/gi)) {
    const hour = Number(match[1]);
    if (hour === 0 || hour > 12) throw new NonexistentTimeError(`"${match[0]}" is not a time: ${TIME_FORM}`);
  }
  for (const match of text.matchAll(new RegExp(String.raw`\b${MONTH}\s+(\d{1,2})(?:st|nd|rd|th)?(?!\d|:)(?:,?\s+(\d{4}))?`, 'gi'))) {
    const [month, day] = [monthIndex(match[1]), Number(match[2])];
    checkDay(match[0], yearOf(month, day, now, timeZone, match[3]), month, day);
  }
  for (const match of text.matchAll(new RegExp(String.raw`(?<![\d:])(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?${MONTH}(?:,?\s+(\d{4}))?\b`, 'gi'))) {
    const [month, day] = [monthIndex(match[2]), Number(match[1])];
    checkDay(match[0], yearOf(month, day, now, timeZone, match[3]), month, day);
  }
  for (const match of text.matchAll(/\b(\d{4})-(\d{1,2})-(\d{1,2})\b/g)) checkDay(match[0], Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  for (const match of text.matchAll(/(?<![\d/])(\d{1,2})\/(\d{1,2})(?:\/(\d{4}))?(?![\d/])/g)) {
    const [month, day] = [Number(match[1]) - 1, Number(match[2])];
    checkDay(match[0], yearOf(month, day, now, timeZone, match[3]), month, day);
  }
}

/** The instant of a wall-clock time, refused when the zone's clocks skip it (the spring-forward hour). */
function existingInstant(wall: WallTime, timeZone: string, typed: string): Date {
  const instant = wallTimeToInstant(wall, timeZone);
  const back = wallTimeOf(instant, timeZone);
  if (back.hour !== wall.hour || back.minute !== wall.minute || back.day !== wall.day) {
    const time = `${wall.hour}:${String(wall.minute).padStart(2, '0')}`;
    throw new NonexistentTimeError(`"${typed}" does not exist in ${timeZone}: on ${wall.year}-${String(wall.month).padStart(2, '0')}-${String(wall.day).padStart(2, '0')} the clocks skip ${time} (daylight saving starts); pick a time an hour earlier or later`);
  }
  return instant;
}

/**
 * chrono counts "the day after tomorrow" from the date in UTC, not in the given zone ("tomorrow" it gets right):
 * at 19:05 on 1 December in New York it said 4 December. Its date is moved to the person's own calendar's (and a
 * range's end with it).
 */
const DAY_AFTER_TOMORROW = /\bday after tomorrow\b/i;

type CalendarDate = Pick<WallTime, 'year' | 'month' | 'day'>;

const dateOf = (components: chrono.ParsedComponents): CalendarDate => ({ year: components.get('year') ?? 0, month: components.get('month') ?? 0, day: components.get('day') ?? 0 });

const daysBetween = (from: CalendarDate, to: CalendarDate) => Math.round((Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / 86_400_000);

const daysAfterToday = (now: Date, timeZone: string, days: number): CalendarDate => addDays(wallTimeOf(now, timeZone), days);

/**
 * Finds when a meeting is in free text ("tomorrow 3pm", "next Tuesday at 10:30", "in 2 hours", "Dec 3 14:00",
 * "Friday 5pm to 6:15pm", "the day after tomorrow"), read in the person's own time zone: the wall-clock time
 * chrono finds is placed in that zone, so a date on the other side of a daylight-saving change still means what
 * they typed. "at 9" alone is the next 9:00; a day alone is at DEFAULT_TIME. Throws NonexistentTimeError for a
 * time or date that does not exist.
 */
export function parseWhen(text: string, now: Date, timeZone: string): ParsedWhen | undefined {
  checkTimesExist(text, now, timeZone);
  const results = chrono.parse(text, { instant: now, timezone: zoneOffsetMinutes(timeZone, now) }, { forwardDate: true });
  const result = results.find((candidate) => candidate.start.isCertain('hour') || candidate.start.isCertain('day') || candidate.start.isCertain('weekday') || RELATIVE.test(candidate.text));
  if (!result) return undefined;
  if (RELATIVE.test(result.text)) return { start: result.start.date(), text: result.text, index: result.index, timeDefaulted: false };
  const timeDefaulted = !result.start.isCertain('hour');
  const dayShift = DAY_AFTER_TOMORROW.test(result.text) ? daysBetween(dateOf(result.start), daysAfterToday(now, timeZone, 2)) : 0;
  const wall = (components: chrono.ParsedComponents): WallTime => ({
    ...addDays(dateOf(components), dayShift),
    hour: timeDefaulted ? DEFAULT_TIME.hour : (components.get('hour') ?? 0),
    minute: timeDefaulted ? DEFAULT_TIME.minute : (components.get('minute') ?? 0),
  });
  const start = existingInstant(wall(result.start), timeZone, result.text);
  const end = result.end?.isCertain('hour') ? existingInstant(wall(result.end), timeZone, result.text) : undefined;
  return { start, end, text: result.text, index: result.index, timeDefaulted };
}

export function formatInZone(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(date);
}
