/** Due dates said in speech ("by Friday", "in two weeks", "by December 3"), resolved to YYYY-MM-DD. */

interface CalendarDate {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
}

type Resolver = (match: RegExpExecArray, today: CalendarDate) => CalendarDate | undefined;

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const NUMBER_WORDS: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, couple: 2, 'a couple of': 2, 'a few': 3,
};
const MONTH_NAME = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
const ORDINAL_DAY = '(\\d{1,2})(?:st|nd|rd|th)?';
const WEEKDAY = '(monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
/** Calendar dates count as deadlines only after a deadline word: "by December 3", not "our statement of May 28". */
const DEADLINE = '\\b(?:by|on|before|until|till|due|for|no later than)\\s+';
const AMOUNT = '(\\d+|a couple of|a few|couple|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)';

/** Ordered: explicit dates before relative ones; the first that matches wins. */
const RULES: ReadonlyArray<{ pattern: RegExp; resolve: Resolver }> = [
  { pattern: /\b(\d{4})-(\d{2})-(\d{2})\b/, resolve: ([, y, m, d]) => validDate(Number(y), Number(m), Number(d)) },
  { pattern: new RegExp(`${DEADLINE}${MONTH_NAME}\\s+${ORDINAL_DAY}\\b`, 'i'), resolve: ([, month, day], today) => nextMonthDay(today, month, Number(day)) },
  { pattern: new RegExp(`${DEADLINE}(?:the\\s+)?${ORDINAL_DAY}\\s+(?:of\\s+)?${MONTH_NAME}\\b`, 'i'), resolve: ([, day, month], today) => nextMonthDay(today, month, Number(day)) },
  { pattern: /\b(?:by|on|before|until|till|due)\s+the\s+(\d{1,2})(?:st|nd|rd|th)\b/i, resolve: ([, day], today) => nextDayOfMonth(today, Number(day)) },
  { pattern: /\bday after tomorrow\b/i, resolve: (_, today) => addDays(today, 2) },
  { pattern: /\btomorrow\b/i, resolve: (_, today) => addDays(today, 1) },
  { pattern: /\b(?:end of (?:the )?day|eod|close of business|cob|tonight|today)\b/i, resolve: (_, today) => today },
  { pattern: /\b(?:end of next week|next week)\b/i, resolve: (_, today) => addDays(upcomingWeekday(today, 5, true), 7) },
  { pattern: /\b(?:end of (?:the |this )?week|eow|this week)\b/i, resolve: (_, today) => upcomingWeekday(today, 5, true) },
  { pattern: /\bend of (?:the |this )?month\b/i, resolve: (_, today) => validDate(today.year, today.month, daysInMonth(today.year, today.month)) },
  { pattern: new RegExp(`\\bnext\\s+${WEEKDAY}\\b`, 'i'), resolve: ([, weekday], today) => weekdayNextWeek(today, WEEKDAYS.indexOf(weekday.toLowerCase())) },
  { pattern: new RegExp(`\\b${WEEKDAY}\\b`, 'i'), resolve: ([, weekday], today) => upcomingWeekday(today, WEEKDAYS.indexOf(weekday.toLowerCase()), false) },
  { pattern: new RegExp(`\\bin\\s+${AMOUNT}\\s+(day|week|month)s?\\b`, 'i'), resolve: ([, amount, unit], today) => addAmount(today, amount, unit) },
];

/** The due date a sentence mentions, relative to the meeting's calendar day in `timeZone`. */
export function resolveDueDate(text: string, meetingDate: Date, timeZone = 'UTC'): string | undefined {
  let today: CalendarDate | undefined;
  for (const { pattern, resolve } of RULES) {
    const match = pattern.exec(text);
    today ??= match ? calendarDateIn(meetingDate, timeZone) : undefined;
    const date = match && today ? resolve(match, today) : undefined;
    if (date) return formatDate(date);
  }
  return undefined;
}

/** Removes the due-date phrase ("by Friday", "next week") so a title reads as the task alone. */
const DUE_DATE_PHRASE = new RegExp(
  `(?:\\s*,)?\\s*(?:(?:by|on|before|until|till|due|within)\\s+)?(?:the\\s+)?(?:${RULES.map(({ pattern }) => pattern.source).join('|')})`,
  'gi',
);

export function withoutDueDatePhrase(text: string): string {
  return text
    .replace(DUE_DATE_PHRASE, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone: building an Intl.DateTimeFormat costs more than resolving a date with it. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function calendarDateIn(date: Date, timeZone: string): CalendarDate {
  const parts = formatterFor(timeZone).formatToParts(date);
  const value = (type: string): number => Number(parts.find((part) => part.type === type)?.value);
  return { year: value('year'), month: value('month'), day: value('day') };
}

export function formatDate({ year, month, day }: CalendarDate): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function toUtc({ year, month, day }: CalendarDate): Date {
  return new Date(Date.UTC(year, month - 1, day));
}

function fromUtc(date: Date): CalendarDate {
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

function addDays(date: CalendarDate, days: number): CalendarDate {
  const utc = toUtc(date);
  utc.setUTCDate(utc.getUTCDate() + days);
  return fromUtc(utc);
}

function weekday(date: CalendarDate): number {
  return toUtc(date).getUTCDay();
}

/** The next such weekday after today ("by Friday" said on a Friday means a week later), or today if allowed. */
function upcomingWeekday(today: CalendarDate, target: number, includeToday: boolean): CalendarDate {
  const ahead = (target - weekday(today) + 7) % 7;
  return addDays(today, ahead === 0 && !includeToday ? 7 : ahead);
}

/** "next Friday" is the Friday of next week (weeks start on Monday). */
function weekdayNextWeek(today: CalendarDate, target: number): CalendarDate {
  const daysSinceMonday = (weekday(today) + 6) % 7;
  const nextMonday = addDays(today, 7 - daysSinceMonday);
  return addDays(nextMonday, (target + 6) % 7);
}

function addAmount(today: CalendarDate, amount: string, unit: string): CalendarDate | undefined {
  const count = /^\d+$/.test(amount) ? Number(amount) : NUMBER_WORDS[amount.toLowerCase()];
  if (!count) return undefined;
  const kind = unit.toLowerCase();
  if (kind === 'day') return addDays(today, count);
  if (kind === 'week') return addDays(today, 7 * count);
  const month = today.month - 1 + count;
  const year = today.year + Math.floor(month / 12);
  return validDate(year, (month % 12) + 1, Math.min(today.day, daysInMonth(year, (month % 12) + 1)));
}

function nextMonthDay(today: CalendarDate, monthName: string, day: number): CalendarDate | undefined {
  if (monthName === 'may') return undefined; // the verb ("we may 2 ..."), not the month
  const month = MONTHS.indexOf(monthName.slice(0, 3).toLowerCase()) + 1;
  const thisYear = validDate(today.year, month, day);
  if (!thisYear) return undefined;
  return formatDate(thisYear) >= formatDate(today) ? thisYear : validDate(today.year + 1, month, day);
}

function nextDayOfMonth(today: CalendarDate, day: number): CalendarDate | undefined {
  if (day < 1 || day > 31) return undefined;
  if (day >= today.day && day <= daysInMonth(today.year, today.month)) return validDate(today.year, today.month, day);
  const next = today.month === 12 ? { year: today.year + 1, month: 1 } : { year: today.year, month: today.month + 1 };
  return validDate(next.year, next.month, Math.min(day, daysInMonth(next.year, next.month)));
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function validDate(year: number, month: number, day: number): CalendarDate | undefined {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}
