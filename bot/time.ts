import * as chrono from 'chrono-node';

/** Minutes east of UTC of an IANA zone at an instant (Europe/Berlin in summer: 120). */
export function zoneOffsetMinutes(timeZone: string, at: Date): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
      .formatToParts(at)
      .map((part) => [part.type, Number(part.value)]),
  );
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/** The instant at which a wall-clock time happens in a zone (DST-aware; a skipped hour moves forward). */
export function wallTimeToInstant(wall: { year: number; month: number; day: number; hour: number; minute: number }, timeZone: string): Date {
  const guess = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  let instant = guess - zoneOffsetMinutes(timeZone, new Date(guess)) * 60_000;
  // A second pass settles times near a DST change, where the offset at the guess differs from the result's.
  instant = guess - zoneOffsetMinutes(timeZone, new Date(instant)) * 60_000;
  return new Date(instant);
}

export interface ParsedWhen {
  start: Date;
  /** The words that said when, as typed. */
  text: string;
  index: number;
}

const RELATIVE = /\b(in|within)\s+(an?|\d+(\.\d+)?)\s+(min|mins|minutes?|hours?|hrs?|h|days?|weeks?)\b/i;

/**
 * Finds when a meeting is in free text ("tomorrow 3pm", "next Tuesday at 10:30", "in 2 hours", "Dec 3 14:00"),
 * read in the person's own time zone: the wall-clock time chrono finds is placed in that zone, so a date on
 * the other side of a daylight-saving change still means what they typed.
 */
export function parseWhen(text: string, now: Date, timeZone: string): ParsedWhen | undefined {
  const results = chrono.parse(text, { instant: now, timezone: zoneOffsetMinutes(timeZone, now) }, { forwardDate: true });
  const result = results.find((candidate) => candidate.start.isCertain('hour') || candidate.start.isCertain('day') || candidate.start.isCertain('weekday') || RELATIVE.test(candidate.text));
  if (!result) return undefined;
  if (RELATIVE.test(result.text)) return { start: result.start.date(), text: result.text, index: result.index };
  const component = (name: chrono.Component) => result.start.get(name) ?? 0;
  const start = wallTimeToInstant(
    { year: component('year'), month: component('month'), day: component('day'), hour: result.start.isCertain('hour') ? component('hour') : 9, minute: component('minute') },
    timeZone,
  );
  return { start, text: result.text, index: result.index };
}

export function formatInZone(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(date);
}
