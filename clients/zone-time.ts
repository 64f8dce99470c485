/** Wall-clock arithmetic in IANA time zones, shared by the bot (typed times) and series (recurring times). */

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** The wall clock of an instant in a zone, with its weekday (0 = Sunday). */
export function wallTimeOf(at: Date, timeZone: string): WallTime & { second: number; weekday: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
      .formatToParts(at)
      .map((part) => [part.type, Number(part.value)]),
  );
  const weekday = new Date(Date.UTC(parts.year, parts.month - 1, parts.day)).getUTCDay();
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second, weekday };
}

/** Minutes east of UTC of an IANA zone at an instant (Europe/Berlin in summer: 120). */
export function zoneOffsetMinutes(timeZone: string, at: Date): number {
  const wall = wallTimeOf(at, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/** The instant at which a wall-clock time happens in a zone (DST-aware; a skipped hour moves forward). */
export function wallTimeToInstant(wall: WallTime, timeZone: string): Date {
  const guess = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  let instant = guess - zoneOffsetMinutes(timeZone, new Date(guess)) * 60_000;
  // A second pass settles times near a DST change, where the offset at the guess differs from the result's.
  instant = guess - zoneOffsetMinutes(timeZone, new Date(instant)) * 60_000;
  return new Date(instant);
}

/** YYYY-MM-DD of an instant in a zone. */
export function isoDateIn(at: Date, timeZone: string): string {
  const { year, month, day } = wallTimeOf(at, timeZone);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The calendar day `days` after a YYYY-MM-DD date (UTC arithmetic on dates, no zone involved). */
export function addDays(date: { year: number; month: number; day: number }, days: number): { year: number; month: number; day: number } {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}
