import { z } from 'zod';
import { EMAIL_MAX } from '../db/users';

/**
 * Field schemas shared by the routes, sized to the columns they end up in (db/entities), so a request the
 * database would refuse is a 400 naming the field instead of a 500 after part of the work is done.
 */

export { EMAIL_MAX };

export const emailAddress = z
  .email({ error: 'must be an email address' })
  .max(EMAIL_MAX, { error: `must be an email address of at most ${EMAIL_MAX} characters` })
  .transform((value) => value.trim().toLowerCase());

/** Dates the whole stack (JavaScript, PostgreSQL, Temporal, iCalendar) agrees on. */
export const EARLIEST = Date.UTC(1970, 0, 1);
export const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** Real time zones lie between -12:00 and +14:00; PostgreSQL refuses offsets past ±15:59. */
const MAX_OFFSET_MINUTES = 14 * 60;

function offsetMinutes(value: string): number {
  const offset = /([+-])(\d{2}):?(\d{2})$/.exec(value);
  return offset ? Number(offset[2]) * 60 + Number(offset[3]) : 0;
}

/** True when a parsed time is one the API stores and filters on. */
export const isSaneTime = (time: number) => Number.isFinite(time) && time >= EARLIEST && time <= LATEST;

/**
 * An ISO 8601 date and time with an offset (2026-12-03T14:00:00Z), between 1970 and 9999, with a real time zone
 * offset; it comes out normalized to UTC (toISOString), so PostgreSQL only ever sees one form.
 */
export const isoDateTime = (label: string) =>
  z.iso
    .datetime({ offset: true, error: `${label} must be an ISO 8601 date and time, e.g. 2026-12-03T14:00:00Z`, abort: true })
    .refine((value) => offsetMinutes(value) <= MAX_OFFSET_MINUTES, { error: `${label} has a time zone offset no place uses (at most 14:00 from UTC)`, abort: true })
    .refine((value) => isSaneTime(Date.parse(value)), { error: `${label} must be between 1970-01-01 and 9999-12-31` })
    .transform((value) => new Date(value).toISOString());

/** A page cursor this API gave out, decoded; anything else is a 400 that says where cursors come from. */
export const CURSOR_HELP = 'not a cursor this API gave out (use nextCursor from the previous page)';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Parses base64url JSON; undefined when it is not that. */
export function decodeCursorJson(cursor: string): unknown {
  if (!/^[A-Za-z0-9_-]{1,2000}$/.test(cursor)) return undefined;
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Where in a request a NUL character hides (PostgreSQL stores none, in text or JSON): the paths of those strings
 * and keys. A loop, not recursion, so a deeply nested body cannot overflow the stack.
 */
export function nulPaths(root: unknown, rootPath: string): string[] {
  const found: string[] = [];
  const pending: [unknown, string][] = [[root, rootPath]];
  while (pending.length) {
    const [value, path] = pending.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) found.push(path);
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        // (a path deep in a hostile body stops growing: naming its start says enough)
        const itemPath = path.length > 200 ? path : `${path}.${key.replaceAll('\u0000', '\\u0000')}`;
        if (key.includes('\u0000')) found.push(itemPath);
        pending.push([item, itemPath]);
      }
    }
  }
  return found.reverse();
}
