import { MeetingsClient } from '../clients/meetings';
import { effectiveLeadMinutes, type Recurrence, RecurrenceError, recurrenceSpec, scheduleRecurringMeeting } from '../clients/recurring';
import { describeSeriesSchedule, exactCalendar, seriesIdsHostedBy, type SeriesSchedule, updateSeriesSchedule } from '../clients/series';
import { addDays, isoDateIn, wallTimeOf, wallTimeToInstant } from '../clients/zone-time';
import { Room, type RoomEntity } from '../db/entities';
import { canManageSeries, canSeeSeries } from '../policies/series';
import type { Invitee, MeetingSettings } from '../workflows/messages';
import { CLOSED_PHASES, isPhaseIn } from '../workflows/phases';
import type { RecurringSeries } from '../workflows/recurring';
import { describeRecurrence, firstOccurrence, occursOn, parseRecurrenceRule } from './recurrence-rule';
import { type Actor, audit, authorize, CommandError, type CommandDeps } from './types';
import { UUID } from './meetings';

const MINUTE = 60_000;

export interface CreateSeriesRequest {
  title: string;
  /** On or before the first occurrence: its wall-clock time in `timeZone` is the series' time. */
  start: Date;
  timeZone: string;
  durationMinutes: number;
  invitees: Invitee[];
  /** RFC 5545 RRULE subset (commands/recurrence-rule.ts). */
  rule: string;
  settings?: MeetingSettings;
  /** Invites go out this long before each occurrence (default 24 hours). */
  leadMinutes?: number;
}

/** What a reader of a series sees: the Schedule's record, its next occurrences and the meetings it made. */
export interface SeriesDetail {
  id: string;
  series: RecurringSeries;
  recurrence: Recurrence;
  description: string;
  status: 'active' | 'cancelled' | 'finished';
  nextOccurrences: Date[];
  occurrences: RoomEntity[];
}

const recurrenceOf = (series: RecurringSeries) => parseRecurrenceRule(series.rule ?? 'FREQ=WEEKLY');

function asInvalid<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof RecurrenceError) throw new CommandError('invalid', error.message);
    throw error;
  }
}

/** Creates a recurring series for its host (the actor): a Temporal Schedule that starts one meeting per occurrence. */
export async function createSeries(deps: CommandDeps, actor: Actor & { kind: 'person' }, request: CreateSeriesRequest): Promise<SeriesDetail> {
  const recurrence = asInvalid(() => parseRecurrenceRule(request.rule));
  const firstStart = asInvalid(() => firstOccurrence(recurrence, request.start, request.timeZone));
  if (recurrence.until && isoDateIn(firstStart, request.timeZone) > recurrence.until) throw new CommandError('invalid', `UNTIL ${recurrence.until} is before the first occurrence (${isoDateIn(firstStart, request.timeZone)})`);
  const { seriesId } = await asInvalidAsync(() =>
    scheduleRecurringMeeting(deps, { host: actor.user, title: request.title, firstStart, timeZone: request.timeZone, durationMinutes: request.durationMinutes, invitees: request.invitees, recurrence, settings: request.settings, leadMinutes: request.leadMinutes, rule: request.rule.toUpperCase() }),
  );
  await audit(deps.em, actor, { action: 'series.create', target: { type: 'series', id: seriesId }, details: { title: request.title, rule: request.rule, timeZone: request.timeZone, firstStart: firstStart.toISOString() } });
  return findVisibleSeries(deps, actor, seriesId);
}

async function asInvalidAsync<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof RecurrenceError) throw new CommandError('invalid', error.message);
    throw error;
  }
}

/** The series if the actor may see it; one they may not see is `not_found`, like a missing one. */
export async function findVisibleSeries(deps: CommandDeps, actor: Actor, seriesId: string): Promise<SeriesDetail> {
  const notFound = new CommandError('not_found', `No series ${seriesId} among yours`);
  if (!UUID.test(seriesId)) throw notFound;
  const schedule = await describeSeriesSchedule(deps.temporal, seriesId);
  if (!schedule || (actor.kind === 'person' && !canSeeSeries(actor.user, schedule.series))) throw notFound;
  return seriesDetail(deps, seriesId, schedule);
}

async function seriesDetail(deps: CommandDeps, id: string, schedule: SeriesSchedule): Promise<SeriesDetail> {
  const { series } = schedule;
  const recurrence = recurrenceOf(series);
  const occurrences = await deps.em.find(Room, { seriesId: id }, { orderBy: { scheduledStartTime: 'asc' } });
  const status = series.cancelled ? 'cancelled' : schedule.nextFireTimes.length === 0 ? 'finished' : 'active';
  const nextOccurrences = series.cancelled ? [] : schedule.nextFireTimes.map((fire) => new Date(fire.getTime() + series.leadMinutes * MINUTE));
  return { id, series, recurrence, description: describeRecurrence(recurrence), status, nextOccurrences, occurrences };
}

function manage(actor: Actor, detail: SeriesDetail, what: string): void {
  authorize(actor, (user) => canManageSeries(user, detail.series), `only the host can ${what} the series "${detail.series.title}"`);
  if (detail.series.cancelled) throw new CommandError('conflict', `the series "${detail.series.title}" is cancelled`);
}

export interface SeriesChange {
  title?: string;
  durationMinutes?: number;
  /** New wall-clock time of day, HH:MM in the series' zone. */
  time?: string;
}

/** Changes the occurrences still to come (new title, length or time); meetings already made keep theirs. */
export async function changeSeries(deps: CommandDeps, actor: Actor, detail: SeriesDetail, change: SeriesChange): Promise<SeriesDetail> {
  manage(actor, detail, 'change');
  const timeZone = detail.series.timeZone ?? 'UTC';
  await updateSeriesSchedule(deps.temporal, detail.id, (series) => {
    const next: RecurringSeries = { ...series, ...(change.title ? { title: change.title } : {}), ...(change.durationMinutes ? { durationMinutes: change.durationMinutes } : {}) };
    if (!change.time) return { series: next };
    const firstStart = nextOccurrenceAt(detail.recurrence, series, change.time, new Date(Date.now() + series.leadMinutes * MINUTE));
    const request = { firstStart, timeZone, recurrence: detail.recurrence };
    const leadMinutes = effectiveLeadMinutes(request, series.leadMinutes);
    return { series: { ...next, firstStart: firstStart.toISOString(), leadMinutes }, spec: recurrenceSpec(request, leadMinutes) };
  });
  await audit(deps.em, actor, { action: 'series.update', target: { type: 'series', id: detail.id }, details: { ...change } });
  return findVisibleSeries(deps, actor, detail.id);
}

/** The first occurrence at `time` (HH:MM) on a day of the series, no earlier than `after`. */
function nextOccurrenceAt(recurrence: Recurrence, series: RecurringSeries, time: string, after: Date): Date {
  const timeZone = series.timeZone ?? 'UTC';
  const [hour, minute] = time.split(':').map(Number);
  const anchor = new Date(series.firstStart ?? after.toISOString());
  const from = wallTimeOf(after, timeZone);
  for (let offset = 0; offset < 400; offset++) {
    const date = addDays(from, offset);
    const start = wallTimeToInstant({ ...date, hour, minute }, timeZone);
    if (start.getTime() >= after.getTime() && occursOn(recurrence, anchor, timeZone, isoDateIn(start, timeZone))) return start;
  }
  throw new CommandError('invalid', 'the series has no occurrence within a year');
}

/**
 * One occurrence does not happen: the Schedule will not fire for it, and if its meeting was already made (invites
 * go out ahead), that meeting is cancelled.
 */
export async function skipOccurrence(deps: CommandDeps, actor: Actor, detail: SeriesDetail, isoDate: string): Promise<SeriesDetail> {
  manage(actor, detail, 'skip an occurrence of');
  const timeZone = detail.series.timeZone ?? 'UTC';
  const made = detail.occurrences.filter((room) => room.scheduledStartTime && isoDateIn(room.scheduledStartTime, timeZone) === isoDate && !isPhaseIn(room.status, CLOSED_PHASES));
  const anchor = new Date(detail.series.firstStart ?? Date.now());
  const upcoming = occursOn(detail.recurrence, anchor, timeZone, isoDate);
  if (!made.length && !upcoming) throw new CommandError('invalid', `"${detail.series.title}" has no occurrence to come on ${isoDate} (${detail.description}); next: ${detail.nextOccurrences.slice(0, 3).map((date) => isoDateIn(date, timeZone)).join(', ') || 'none'}`);
  for (const room of made) await new MeetingsClient(deps.temporal).cancel(room.id, `skipped: this occurrence of "${detail.series.title}" does not happen`);
  await updateSeriesSchedule(deps.temporal, detail.id, (series) => {
    const [year, month, day] = isoDate.split('-').map(Number);
    const { hour, minute } = wallTimeOf(anchor, timeZone);
    const fireAt = new Date(wallTimeToInstant({ year, month, day, hour, minute }, timeZone).getTime() - series.leadMinutes * MINUTE);
    const skipped = [...new Set([...(series.skipped ?? []), isoDate])].sort();
    // The interval spec of every_n_weeks runs in UTC; calendar specs in the series' zone.
    return { series: { ...series, skipped }, exclude: upcoming ? exactCalendar(fireAt, detail.recurrence.frequency === 'every_n_weeks' ? 'UTC' : timeZone) : undefined };
  });
  await audit(deps.em, actor, { action: 'series.skip', target: { type: 'series', id: detail.id }, details: { date: isoDate, cancelledMeetings: made.map((room) => room.id) } });
  return findVisibleSeries(deps, actor, detail.id);
}

/** Stops the series: its Schedule is paused for good, and meetings it already made that are still to come are cancelled. */
export async function cancelSeries(deps: CommandDeps, actor: Actor, detail: SeriesDetail): Promise<SeriesDetail> {
  manage(actor, detail, 'cancel');
  await updateSeriesSchedule(deps.temporal, detail.id, (series) => ({ series: { ...series, cancelled: true }, pause: 'cancelled by its host' }));
  const upcoming = detail.occurrences.filter((room) => !isPhaseIn(room.status, CLOSED_PHASES) && room.status !== 'live');
  for (const room of upcoming) await new MeetingsClient(deps.temporal).cancel(room.id, `the series "${detail.series.title}" was cancelled`).catch(() => undefined);
  await audit(deps.em, actor, { action: 'series.cancel', target: { type: 'series', id: detail.id }, details: { cancelledMeetings: upcoming.map((room) => room.id) } });
  return findVisibleSeries(deps, actor, detail.id);
}

/** The series a person hosts, newest Schedule first. */
export async function mySeries(deps: CommandDeps, actor: Actor & { kind: 'person' }): Promise<SeriesDetail[]> {
  const ids = await seriesIdsHostedBy(deps.temporal, actor.user.id);
  const found = await Promise.all(ids.map((id) => findVisibleSeries(deps, actor, id).catch(() => undefined)));
  return found.filter((detail): detail is SeriesDetail => detail !== undefined);
}
