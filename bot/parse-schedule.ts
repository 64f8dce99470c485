import { parseWhen } from './time';

/** A title in double quotes (straight or curly) is taken whole: its words are not read as a time, a tag or a mention. */
export const QUOTED = /["\u201C\u201E]([^"\u201C\u201D\u201E]+)["\u201D\u201C]/;
/** Stands for the quoted title while the rest is read (a private-use character: nothing else parses it). */
const QUOTED_MARK = '\uE000';
/** chrono reads "the day after tomorrow" but, without "the", only its "tomorrow". */
const DAY_AFTER_TOMORROW = /\b(?<!\bthe\s)day after tomorrow\b/gi;

export interface ScheduleRequest {
  title: string;
  start: Date;
  durationMinutes: number;
  /** Slack user ids from <@U…> mentions. */
  slackUserIds: string[];
  /** Slack user group ids from <!subteam^S…> mentions: everyone in them is invited. */
  userGroupIds: string[];
  emails: string[];
  tags: string[];
  /** The time words as typed, to show back. */
  whenText: string;
  /** No time was typed: the meeting is at DEFAULT_TIME on that day (the reply says so). */
  timeDefaulted: boolean;
}

export class ScheduleParseError extends Error {
  override name = 'ScheduleParseError';
}

export const SCHEDULE_FORM = '`/meet schedule <title> <when> [for <duration>] with @alice @bob carol@example.com [#tag]`\nfor example `/meet schedule Budget review tomorrow 3pm for 45m with @alice #finance`';

const MENTION = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g;
const USER_GROUP = /<!subteam\^([A-Z0-9]+)(?:\|[^>]*)?>/g;
const MAILTO = /<mailto:([^|>]+)(?:\|[^>]*)?>/g;
const EMAIL = /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g;
const TAG = /(?:^|\s)#([\p{L}\p{N}_-]+)/gu;
const DURATION = /\bfor\s+(an?|\d+(?:[.,]\d+)?)\s*(h|hr|hrs|hours?|m|min|mins|minutes?)\b(?:\s+and\s+(\d+)\s*(m|min|mins|minutes?))?/i;
const HALF_HOUR = /\bfor\s+(half an hour|30 minutes)\b/i;

function parseDuration(text: string): { minutes: number; match?: string } {
  const half = HALF_HOUR.exec(text);
  if (half) return { minutes: 30, match: half[0] };
  const match = DURATION.exec(text);
  if (!match) return { minutes: 30 };
  const amount = /^an?$/i.test(match[1]) ? 1 : Number(match[1].replace(',', '.'));
  const hours = /^h/i.test(match[2]);
  const minutes = Math.round(hours ? amount * 60 : amount) + (match[3] ? Number(match[3]) : 0);
  return { minutes, match: match[0] };
}

/** Reads `/meet schedule …` text (Slack escapes mentions as <@U…>); throws ScheduleParseError saying what it could not read. */
export function parseScheduleCommand(typed: string, now: Date, timeZone: string): ScheduleRequest {
  const quoted = QUOTED.exec(typed);
  const text = (quoted ? typed.replace(quoted[0], ` ${QUOTED_MARK} `) : typed).replace(DAY_AFTER_TOMORROW, 'the day after tomorrow');
  const slackUserIds = [...text.matchAll(MENTION)].map((match) => match[1]);
  const userGroupIds = [...text.matchAll(USER_GROUP)].map((match) => match[1]);
  const emails = [...new Set([...[...text.matchAll(MAILTO)].map((match) => match[1]), ...(text.replace(MAILTO, ' ').match(EMAIL) ?? [])].map((email) => email.toLowerCase()))];
  const tags = [...text.matchAll(TAG)].map((match) => match[1].toLowerCase());
  let rest = text.replace(MENTION, ' ').replace(USER_GROUP, ' ').replace(MAILTO, ' ').replace(EMAIL, ' ').replace(TAG, ' ');
  rest = rest.replace(/\s+with(\s*(,|and))*\s*$/i, ' ').replace(/\bwith\s*(?:,|and|\s)*$/i, ' ');
  const duration = parseDuration(rest);
  if (duration.match) rest = rest.replace(duration.match, ' ');
  if (duration.minutes < 1 || duration.minutes > 24 * 60) throw new ScheduleParseError(`a meeting lasts between 1 minute and 24 hours, not ${duration.minutes} minutes`);
  rest = rest.replace(/\s+/g, ' ').trim();

  const when = parseWhen(rest, now, timeZone);
  if (!when) throw new ScheduleParseError(`I could not find when in "${typed.trim()}"`);
  if (when.start.getTime() <= now.getTime()) throw new ScheduleParseError(`"${when.text}" is in the past`);
  const durationMinutes = when.end ? rangeMinutes(when.start, when.end, when.text, duration.match) : duration.minutes;
  const title = (rest.slice(0, when.index) + ' ' + rest.slice(when.index + when.text.length))
    .replace(/\b(on|at|from|starting)\s*$/i, '')
    .replace(/\s+(on|at)\s+(?=\s|$)/gi, ' ')
    .replace(/\s+/g, ' ')
    .replace(/^[\s,;:-]+|[\s,;:-]+$/g, '')
    .replace(QUOTED_MARK, quoted?.[1].trim() ?? '')
    .trim();
  if (!title) throw new ScheduleParseError(`the meeting needs a title before the time ("${when.text}")`);
  return { title, start: when.start, durationMinutes, slackUserIds, userGroupIds, emails, tags, whenText: when.text, timeDefaulted: when.timeDefaulted };
}

/** A typed range ("5pm to 6:15pm") is the meeting's length; with a "for …" length as well, they must agree. */
function rangeMinutes(start: Date, end: Date, whenText: string, durationText: string | undefined): number {
  const minutes = Math.round((end.getTime() - start.getTime()) / 60_000);
  if (minutes < 1 || minutes > 24 * 60) throw new ScheduleParseError(`"${whenText}" must end after it starts, within 24 hours`);
  if (durationText && parseDuration(durationText).minutes !== minutes) throw new ScheduleParseError(`"${whenText}" is ${minutes} minutes but "${durationText.trim()}" says otherwise: give the range or the length`);
  return minutes;
}
