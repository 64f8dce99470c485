import type { Client, ScheduleSpec } from '@temporalio/client';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config';
import type { Person } from '../db/entities';
import type { Invitee, MeetingSettings } from '../workflows/messages';
import { seriesOccurrenceWorkflowId, seriesScheduleId } from '../workflows/ids';
import { recurringOccurrenceWorkflow, type RecurrenceFrequency, type RecurringSeries } from '../workflows/recurring';
import { defaultMeetingSettings } from './meetings';
import { wallTimeOf } from './zone-time';

export interface Recurrence {
  frequency: RecurrenceFrequency;
  /** For every_n_weeks: the N (2 = every other week). */
  interval?: number;
  /** For weekly: the weekdays (0 = Sunday); left out, the first start's weekday. */
  days?: number[];
  /** For monthly: which week of the month (1 = days 1-7, the "first Monday"), on the first start's weekday. */
  weekOfMonth?: number;
  /** Last day an occurrence may fall on (YYYY-MM-DD, in the series' time zone). */
  until?: string;
  /** How many occurrences in all. */
  count?: number;
}

export interface RecurringMeetingRequest {
  host: Person;
  title: string;
  /** The first occurrence; later ones keep its weekday and wall-clock time in `timeZone`. */
  firstStart: Date;
  timeZone: string;
  durationMinutes: number;
  invitees: Invitee[];
  recurrence: Recurrence;
  settings?: MeetingSettings;
  /** Invites go out this long before each occurrence (default 24 hours). */
  leadMinutes?: number;
  /** The rule as the host wrote it (RFC 5545 RRULE), shown back by GET /series/{id}. */
  rule?: string;
}

const DAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'] as const;
const WEEKDAYS = [1, 2, 3, 4, 5];

export class RecurrenceError extends Error {
  override name = 'RecurrenceError';
}

/** Wall-clock weekday, hour and minute of an instant in a time zone. */
function wallClock(date: Date, timeZone: string): { day: number; minuteOfDay: number } {
  const { weekday, hour, minute } = wallTimeOf(date, timeZone);
  return { day: weekday, minuteOfDay: hour * 60 + minute };
}

/**
 * The schedule spec that fires `leadMinutes` before each occurrence: the occurrence's wall-clock time in its
 * zone, moved back by the lead (and to the previous weekday when the lead crosses midnight).
 */
export function recurrenceSpec(request: Pick<RecurringMeetingRequest, 'firstStart' | 'timeZone' | 'recurrence'>, leadMinutes: number): ScheduleSpec {
  const { recurrence, timeZone, firstStart } = request;
  validateRecurrence(recurrence, timeZone);
  const { day, minuteOfDay } = wallClock(firstStart, timeZone);
  const fireMinute = minuteOfDay - leadMinutes;
  const dayShift = Math.floor(fireMinute / 1440);
  const time = { hour: Math.floor((((fireMinute % 1440) + 1440) % 1440) / 60), minute: (((fireMinute % 1440) + 1440) % 1440) % 60 };
  const shift = (days: number[]) => days.map((d) => DAYS[(((d + dayShift) % 7) + 7) % 7]);
  const endAt = recurrence.until ? untilInstant(recurrence.until, leadMinutes) : undefined;
  const startAt = new Date(firstStart.getTime() - leadMinutes * 60_000 - 60_000);
  switch (recurrence.frequency) {
    case 'daily':
      return { calendars: [{ ...time, dayOfWeek: '*' }], timezone: timeZone, startAt, endAt };
    case 'weekdays':
      return { calendars: [{ ...time, dayOfWeek: shift(WEEKDAYS) }], timezone: timeZone, startAt, endAt };
    case 'weekly':
      return { calendars: [{ ...time, dayOfWeek: shift(recurrence.days?.length ? recurrence.days : [day]) }], timezone: timeZone, startAt, endAt };
    case 'monthly': {
      // A calendar cannot say "first Monday"; Monday on days 1-7 can. The lead never crosses midnight here
      // (effectiveLeadMinutes), since "the Sunday before the first Monday" has no calendar either.
      const week = recurrence.weekOfMonth ?? 1;
      return { calendars: [{ ...time, dayOfWeek: DAYS[day], dayOfMonth: { start: 7 * (week - 1) + 1, end: 7 * week } }], timezone: timeZone, startAt, endAt };
    }
    case 'every_n_weeks': {
      const every = (recurrence.interval ?? 2) * 7 * 24 * 3_600_000;
      const firstFire = firstStart.getTime() - leadMinutes * 60_000;
      return { intervals: [{ every, offset: ((firstFire % every) + every) % every }], startAt, endAt };
    }
  }
}

/**
 * How long before an occurrence its Schedule fires. Monthly series fire on the occurrence's own day (at most the
 * minutes since its midnight ahead), because a calendar cannot name the day before an nth weekday.
 */
export function effectiveLeadMinutes(request: Pick<RecurringMeetingRequest, 'firstStart' | 'timeZone' | 'recurrence'>, leadMinutes: number): number {
  if (request.recurrence.frequency !== 'monthly') return leadMinutes;
  return Math.min(leadMinutes, wallClock(request.firstStart, request.timeZone).minuteOfDay);
}

function untilInstant(until: string, leadMinutes: number): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(until)) throw new RecurrenceError(`until must be a date like 2027-03-31, not "${until}"`);
  return new Date(Date.parse(`${until}T23:59:59Z`) - leadMinutes * 60_000);
}

function validateRecurrence(recurrence: Recurrence, timeZone: string): void {
  if (!['daily', 'weekdays', 'weekly', 'every_n_weeks', 'monthly'].includes(recurrence.frequency)) {
    throw new RecurrenceError(`frequency must be daily, weekdays, weekly, every_n_weeks or monthly, not "${recurrence.frequency}"`);
  }
  if (recurrence.weekOfMonth !== undefined && !(Number.isInteger(recurrence.weekOfMonth) && recurrence.weekOfMonth >= 1 && recurrence.weekOfMonth <= 4)) {
    throw new RecurrenceError('weekOfMonth is 1 to 4 (the first to the fourth such weekday of the month)');
  }
  if (recurrence.days?.some((d) => !(Number.isInteger(d) && d >= 0 && d <= 6))) throw new RecurrenceError('days are weekdays 0 (Sunday) to 6 (Saturday)');
  if (recurrence.frequency === 'every_n_weeks' && !(Number.isInteger(recurrence.interval) && recurrence.interval! >= 1 && recurrence.interval! <= 52)) {
    throw new RecurrenceError('every_n_weeks needs an interval between 1 and 52 (weeks)');
  }
  if (recurrence.count !== undefined && !(Number.isInteger(recurrence.count) && recurrence.count >= 1)) throw new RecurrenceError('count must be a whole number of occurrences, at least 1');
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new RecurrenceError(`unknown time zone "${timeZone}": use an IANA name such as Europe/Berlin`);
  }
}


/** Creates the series' Temporal Schedule: one occurrence workflow (and so one meeting workflow) per occurrence. */
export async function scheduleRecurringMeeting(deps: { temporal: Client; cfg: Config; taskQueue?: string }, request: RecurringMeetingRequest): Promise<{ seriesId: string; scheduleId: string }> {
  const leadMinutes = effectiveLeadMinutes(request, request.leadMinutes ?? 24 * 60);
  const spec = recurrenceSpec(request, leadMinutes);
  const seriesId = randomUUID();
  const series: RecurringSeries = {
    seriesId,
    hostId: request.host.id,
    hostEmail: request.host.email,
    title: request.title,
    durationMinutes: request.durationMinutes,
    invitees: request.invitees,
    settings: { ...defaultMeetingSettings(deps.cfg), ...request.settings },
    leadMinutes,
    rule: request.rule,
    timeZone: request.timeZone,
    firstStart: request.firstStart.toISOString(),
    skipped: [],
  };
  const scheduleId = seriesScheduleId(seriesId);
  await deps.temporal.schedule.create({
    scheduleId,
    spec,
    action: { type: 'startWorkflow', workflowType: recurringOccurrenceWorkflow, args: [series], taskQueue: deps.taskQueue ?? deps.cfg.TEMPORAL_TASK_QUEUE, workflowId: seriesOccurrenceWorkflowId(seriesId) },
    memo: { hostId: request.host.id },
    policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL, catchupWindow: '1 hour' },
    state: {
      note: `${request.title} (${request.recurrence.frequency}) hosted by ${request.host.email}`,
      ...(request.recurrence.count ? { remainingActions: request.recurrence.count } : {}),
    },
  });
  return { seriesId, scheduleId };
}
