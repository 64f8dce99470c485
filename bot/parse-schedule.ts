import { parseWhen } from './time';

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
export function parseScheduleCommand(text: string, now: Date, timeZone: string): ScheduleRequest {
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
  if (!when) throw new ScheduleParseError(`I could not find when in "${text.trim()}"`);
  if (when.start.getTime() <= now.getTime()) throw new ScheduleParseError(`"${when.text}" is in the past`);
  const title = (rest.slice(0, when.index) + ' ' + rest.slice(when.index + when.text.length))
    .replace(/\b(on|at|from|starting)\s*$/i, '')
    .replace(/\s+(on|at)\s+(?=\s|$)/gi, ' ')
    .replace(/\s+/g, ' ')
    .replace(/^[\s,;:-]+|[\s,;:-]+$/g, '')
    .trim();
  if (!title) throw new ScheduleParseError(`the meeting needs a title before the time ("${when.text}")`);
  return { title, start: when.start, durationMinutes: duration.minutes, slackUserIds, userGroupIds, emails, tags, whenText: when.text };
}
