import * as chrono from 'chrono-node';
import { wallTimeToInstant, zoneOffsetMinutes } from '../clients/zone-time';

export { wallTimeToInstant, zoneOffsetMinutes };

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
