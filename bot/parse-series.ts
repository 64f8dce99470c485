import * as chrono from 'chrono-node';
import { isoDateIn } from '../clients/zone-time';
import { parseScheduleCommand, QUOTED, ScheduleParseError, type ScheduleRequest } from './parse-schedule';
import { checkTimesExist, DEFAULT_TIME } from './time';

export interface SeriesCommand extends ScheduleRequest {
  /** The RFC 5545 RRULE the words say (commands/recurrence-rule.ts reads it, as for the API). */
  rule: string;
  /** The recurrence words as typed, to show back. */
  recurrenceText: string;
}

export const SERIES_FORM =
  '`/meet schedule <title> every weekday|every day|every Monday|every other Tuesday|monthly on the first Monday [at <time>] [until <date>|for <n> times] with @alice`\nfor example `/meet schedule Standup every weekday 9:15 with @team for 10 times`';

const DAY = String.raw`(sun|mon|tue|wed|thu|fri|sat)[a-z]*`;
const DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
const ORDINAL: Record<string, number> = { first: 1, '1st': 1, second: 2, '2nd': 2, third: 3, '3rd': 3, fourth: 4, '4th': 4 };
const ORD = String.raw`(first|second|third|fourth|1st|2nd|3rd|4th)`;
const COUNT_WORDS: Record<string, number> = { two: 2, three: 3, four: 4 };

const dayCode = (word: string) => DAYS[['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].indexOf(word.slice(0, 3).toLowerCase())];

/** Each phrase and the RRULE it means, tried in order (the most specific first). */
const PHRASES: [RegExp, (match: RegExpMatchArray) => string][] = [
  [new RegExp(String.raw`\b(?:monthly|every\s+month)\s+on\s+the\s+${ORD}\s+${DAY}\b`, 'i'), (m) => `FREQ=MONTHLY;BYDAY=${ORDINAL[m[1].toLowerCase()]}${dayCode(m[2])}`],
  [new RegExp(String.raw`\b(?:on\s+)?(?:the\s+)?${ORD}\s+${DAY}\s+of\s+(?:every|each|the)\s+month\b`, 'i'), (m) => `FREQ=MONTHLY;BYDAY=${ORDINAL[m[1].toLowerCase()]}${dayCode(m[2])}`],
  [new RegExp(String.raw`\bevery\s+${ORD}\s+${DAY}(?:\s+of\s+the\s+month)?\b`, 'i'), (m) => `FREQ=MONTHLY;BYDAY=${ORDINAL[m[1].toLowerCase()]}${dayCode(m[2])}`],
  [/\b(?:every\s+(?:week|work\s*)days?|on\s+weekdays|weekdays)\b/i, () => 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR'],
  // A bare "daily" or "weekly" is a recurrence only after the title and before a time or the end: "Daily standup
  // tomorrow at 9" and "Review of daily metrics at 3pm" are one meeting each.
  [/\bevery\s+day\b|(?<=\S\s+)daily(?=\s+(?:at\s|from\s|\d)|\s*$)/i, () => 'FREQ=DAILY'],
  [new RegExp(String.raw`\b(?:every\s+other|biweekly\s+on)\s+${DAY}\b`, 'i'), (m) => `FREQ=WEEKLY;INTERVAL=2;BYDAY=${dayCode(m[1])}`],
  [new RegExp(String.raw`\bevery\s+(\d+|two|three|four)\s+weeks\s+on\s+${DAY}\b`, 'i'), (m) => `FREQ=WEEKLY;INTERVAL=${COUNT_WORDS[m[1].toLowerCase()] ?? Number(m[1])};BYDAY=${dayCode(m[2])}`],
  [new RegExp(String.raw`\b(?:every|each|weekly\s+on)\s+${DAY}(?:\s*(?:,|and|&)\s*${DAY})*\b`, 'i'), (m) => `FREQ=WEEKLY;BYDAY=${[...m[0].matchAll(new RegExp(DAY, 'gi'))].map((d) => dayCode(d[0])).join(',')}`],
  [/\bevery\s+week\b|(?<=\S\s+)weekly(?=\s+(?:at\s|from\s|\d)|\s*$)/i, () => 'FREQ=WEEKLY'],
];

const UNTIL = /\b(?:until|till|through)\s+(\d{4}-\d{2}-\d{2}|[a-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?|\d{1,2}(?:st|nd|rd|th)?\s+[a-z]{3,9}\.?(?:\s+\d{4})?)/i;
const COUNT = /\b(?:for\s+)?(\d{1,4})\s+(?:times|occurrences)\b/i;

/**
 * Reads `/meet schedule …` text that says it recurs ("every weekday 9:15", "every other Tuesday at 10",
 * "monthly on the first Monday at 9", "… until 2027-03-01", "… for 10 times"), or returns undefined when it does
 * not. The rest (title, time, length, people) is read as for one meeting; its time is the series' time of day.
 */
export function parseSeriesCommand(text: string, now: Date, timeZone: string): SeriesCommand | undefined {
  // A quoted title's words are not a recurrence ("Every day counts"): they are masked, keeping every index.
  const masked = text.replace(QUOTED, (quoted) => '\uE001'.repeat(quoted.length));
  const found = PHRASES.map(([pattern, rule]) => ({ match: lastMatch(pattern, masked), rule })).find((candidate) => candidate.match);
  if (!found?.match) return undefined;
  const at = found.match.index ?? 0;
  let rest = `${text.slice(0, at)} ${text.slice(at + found.match[0].length)}`;
  let rule = found.rule(found.match);
  const until = UNTIL.exec(rest);
  if (until) {
    rest = rest.replace(until[0], ' ');
    rule += `;UNTIL=${untilDate(until[1], now, timeZone).replaceAll('-', '')}`;
  }
  const count = COUNT.exec(rest);
  if (count) {
    if (until) throw new ScheduleParseError('give an end date ("until …") or a number of times ("for 10 times"), not both');
    rest = rest.replace(count[0], ' ');
    rule += `;COUNT=${count[1]}`;
  }
  const recurrenceText = [found.match[0], until?.[0], count?.[0]].filter(Boolean).join(' ');
  try {
    return { ...parseScheduleCommand(rest, now, timeZone), rule, recurrenceText };
  } catch (error) {
    // No time typed: the series is at the stated default time (a whole hour), which the reply says.
    if (!(error instanceof ScheduleParseError) || !/could not find when/.test(error.message)) throw error;
    return { ...parseScheduleCommand(`${rest} at ${DEFAULT_TIME.text}`, now, timeZone), rule, recurrenceText, timeDefaulted: true, whenText: '' };
  }
}

/** The last match: "Daily standup daily at 9:30" recurs by its second "daily", the first is the title's. */
function lastMatch(pattern: RegExp, text: string): RegExpMatchArray | undefined {
  return [...text.matchAll(new RegExp(pattern.source, `${pattern.flags}g`))].at(-1);
}

function untilDate(typed: string, now: Date, timeZone: string): string {
  checkTimesExist(typed, now, timeZone);
  if (/^\d{4}-\d{2}-\d{2}$/.test(typed)) return typed;
  const date = chrono.parseDate(typed, { instant: now }, { forwardDate: true });
  if (!date) throw new ScheduleParseError(`"until ${typed}" is not a date: write it like until 2027-03-01`);
  return isoDateIn(date, timeZone);
}
