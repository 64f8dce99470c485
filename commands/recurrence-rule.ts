import { type Recurrence, RecurrenceError } from '../clients/recurring';
import { addDays, wallTimeOf, wallTimeToInstant } from '../clients/zone-time';

/** RFC 5545 weekday codes, Sunday first (as Date#getUTCDay counts). */
export const RRULE_DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const ORDINALS = ['', 'first', 'second', 'third', 'fourth'];
const SUPPORTED = ['FREQ', 'INTERVAL', 'BYDAY', 'UNTIL', 'COUNT'];
export const RRULE_FORM = 'an RRULE such as FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR, FREQ=WEEKLY;INTERVAL=2;BYDAY=TU or FREQ=MONTHLY;BYDAY=1MO, with UNTIL=YYYYMMDD or COUNT=n';

const bad = (message: string) => new RecurrenceError(`${message} (write ${RRULE_FORM})`);

function weekday(code: string): number {
  const index = RRULE_DAYS.indexOf(code as (typeof RRULE_DAYS)[number]);
  if (index < 0) throw bad(`BYDAY: "${code}" is not a weekday (SU, MO, TU, WE, TH, FR, SA)`);
  return index;
}

/** Reads the RRULE subset Meetflow's Schedules can run; an unsupported part is refused by name. */
export function parseRecurrenceRule(rule: string): Recurrence {
  const parts = new Map<string, string>();
  for (const part of rule.trim().replace(/^RRULE:/i, '').split(';').filter(Boolean)) {
    const [key, value, ...extra] = part.split('=');
    if (!value || extra.length) throw bad(`"${part}" is not NAME=value`);
    if (!SUPPORTED.includes(key.toUpperCase())) throw bad(`${key.toUpperCase()} is not supported (only ${SUPPORTED.join(', ')})`);
    parts.set(key.toUpperCase(), value.toUpperCase());
  }
  const frequency = parts.get('FREQ');
  if (!frequency) throw bad('FREQ is missing');
  const interval = parts.has('INTERVAL') ? Number(parts.get('INTERVAL')) : 1;
  if (!(Number.isInteger(interval) && interval >= 1 && interval <= 52)) throw bad(`INTERVAL=${parts.get('INTERVAL')} is not supported (a whole number from 1 to 52)`);
  const byDay = parts.get('BYDAY')?.split(',') ?? [];
  const ends = { ...untilOf(parts.get('UNTIL')), ...countOf(parts.get('COUNT')) };
  if (ends.until && ends.count) throw bad('UNTIL and COUNT cannot both be given');
  switch (frequency) {
    case 'DAILY':
      if (interval !== 1) throw bad(`INTERVAL=${interval} with FREQ=DAILY is not supported`);
      if (byDay.length) throw bad('BYDAY with FREQ=DAILY is not supported (use FREQ=WEEKLY;BYDAY=…)');
      return { frequency: 'daily', ...ends };
    case 'WEEKLY': {
      const days = byDay.map(weekday).sort((a, b) => a - b);
      if (interval > 1) {
        if (days.length > 1) throw bad(`INTERVAL=${interval} with more than one BYDAY is not supported`);
        return { frequency: 'every_n_weeks', interval, days, ...ends };
      }
      if (days.join() === '1,2,3,4,5') return { frequency: 'weekdays', ...ends };
      return { frequency: 'weekly', ...(days.length ? { days } : {}), ...ends };
    }
    case 'MONTHLY': {
      if (interval !== 1) throw bad(`INTERVAL=${interval} with FREQ=MONTHLY is not supported`);
      const match = byDay.length === 1 ? /^\+?([1-4])([A-Z]{2})$/.exec(byDay[0]) : null;
      if (!match) throw bad(`FREQ=MONTHLY needs one BYDAY with its week, 1MO to 4SU (the first to the fourth such weekday), not "${byDay.join(',')}"`);
      return { frequency: 'monthly', weekOfMonth: Number(match[1]), days: [weekday(match[2])], ...ends };
    }
    default:
      throw bad(`FREQ=${frequency} is not supported (DAILY, WEEKLY or MONTHLY)`);
  }
}

function untilOf(value: string | undefined): { until?: string } {
  if (value === undefined) return {};
  const match = /^(\d{4})(\d{2})(\d{2})(T\d{6}Z?)?$/.exec(value);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  if (!match || !date || date.getUTCDate() !== Number(match[3]) || date.getUTCMonth() !== Number(match[2]) - 1) throw bad(`UNTIL=${value} is not a date like 20270301`);
  return { until: `${match[1]}-${match[2]}-${match[3]}` };
}

function countOf(value: string | undefined): { count?: number } {
  if (value === undefined) return {};
  const count = Number(value);
  if (!(Number.isInteger(count) && count >= 1 && count <= 1000)) throw bad(`COUNT=${value} is not a number of occurrences from 1 to 1000`);
  return { count };
}

/** The RRULE that says a recurrence (what GET /series shows and the Slack command builds). */
export function formatRecurrenceRule(recurrence: Recurrence): string {
  const days = (recurrence.days ?? []).map((day) => RRULE_DAYS[day]).join(',');
  const base = {
    daily: 'FREQ=DAILY',
    weekdays: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
    weekly: `FREQ=WEEKLY${days ? `;BYDAY=${days}` : ''}`,
    every_n_weeks: `FREQ=WEEKLY;INTERVAL=${recurrence.interval ?? 2}${days ? `;BYDAY=${days}` : ''}`,
    monthly: `FREQ=MONTHLY;BYDAY=${recurrence.weekOfMonth ?? 1}${days}`,
  }[recurrence.frequency];
  const end = recurrence.until ? `;UNTIL=${recurrence.until.replaceAll('-', '')}` : recurrence.count ? `;COUNT=${recurrence.count}` : '';
  return base + end;
}

/** "every other Tuesday", "weekdays", "monthly on the first Monday", with its end. */
export function describeRecurrence(recurrence: Recurrence): string {
  const dayList = (recurrence.days ?? []).map((day) => DAY_NAMES[day]).join(', ');
  const base = {
    daily: 'every day',
    weekdays: 'every weekday',
    weekly: dayList ? `every ${dayList}` : 'every week',
    every_n_weeks: `${recurrence.interval === 2 ? 'every other' : `every ${recurrence.interval} weeks on`} ${dayList}`,
    monthly: `monthly on the ${ORDINALS[recurrence.weekOfMonth ?? 1]} ${dayList}`,
  }[recurrence.frequency];
  const end = recurrence.until ? `, until ${recurrence.until}` : recurrence.count ? `, ${recurrence.count} times` : '';
  return base + end;
}

/** Whether a recurrence has an occurrence on a day (weekday 0 = Sunday, day of the month), ignoring week parity. */
function fallsOn(recurrence: Recurrence, date: { weekday: number; day: number }, anchorWeekday: number): boolean {
  switch (recurrence.frequency) {
    case 'daily':
      return true;
    case 'weekdays':
      return date.weekday >= 1 && date.weekday <= 5;
    case 'weekly':
      return (recurrence.days?.length ? recurrence.days : [anchorWeekday]).includes(date.weekday);
    case 'every_n_weeks':
      return date.weekday === (recurrence.days?.[0] ?? anchorWeekday);
    case 'monthly':
      return date.weekday === (recurrence.days?.[0] ?? anchorWeekday) && Math.ceil(date.day / 7) === (recurrence.weekOfMonth ?? 1);
  }
}

/** The first occurrence at or after `from`, at from's wall-clock time in the zone, on a day the rule allows. */
export function firstOccurrence(recurrence: Recurrence, from: Date, timeZone: string): Date {
  const wall = wallTimeOf(from, timeZone);
  for (let offset = 0; offset < 400; offset++) {
    const date = addDays(wall, offset);
    const instant = wallTimeToInstant({ ...date, hour: wall.hour, minute: wall.minute }, timeZone);
    const weekday = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
    if (instant.getTime() >= from.getTime() - 60_000 && fallsOn(recurrence, { weekday, day: date.day }, wall.weekday)) return instant;
  }
  throw new RecurrenceError('this rule has no occurrence within a year');
}

/** Whether a series whose first occurrence is `anchor` has an occurrence on the date (YYYY-MM-DD in its zone). */
export function occursOn(recurrence: Recurrence, anchor: Date, timeZone: string, isoDate: string): boolean {
  const [year, month, day] = isoDate.split('-').map(Number);
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  const first = wallTimeOf(anchor, timeZone);
  const daysSinceFirst = Math.round((Date.UTC(year, month - 1, day) - Date.UTC(first.year, first.month - 1, first.day)) / 86_400_000);
  if (daysSinceFirst < 0 || !fallsOn(recurrence, { weekday, day }, first.weekday)) return false;
  if (recurrence.until && isoDate > recurrence.until) return false;
  return recurrence.frequency !== 'every_n_weeks' || (daysSinceFirst / 7) % (recurrence.interval ?? 2) === 0;
}
