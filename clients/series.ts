import type { CalendarSpec, Client, ScheduleDescription, ScheduleSpec } from '@temporalio/client';
import { ScheduleNotFoundError } from '@temporalio/client';
import { seriesScheduleId } from '../workflows/ids';
import type { RecurringSeries } from '../workflows/recurring';
import { wallTimeOf } from './zone-time';

/** A series as its Schedule holds it: the occurrence workflow's input is the series' one record. */
export interface SeriesSchedule {
  series: RecurringSeries;
  paused: boolean;
  /** When the Schedule fires next (each is an occurrence's start minus the lead). */
  nextFireTimes: Date[];
  remainingActions?: number;
  spec: ScheduleDescription['spec'];
}

const MONTHS = ['JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER'] as const;

function seriesOf(description: ScheduleDescription): RecurringSeries {
  if (description.action.type !== 'startWorkflow') throw new Error(`schedule ${description.scheduleId} does not start a workflow`);
  return description.action.args?.[0] as RecurringSeries;
}

/** The series' Schedule, or undefined when there is none. */
export async function describeSeriesSchedule(temporal: Client, seriesId: string): Promise<SeriesSchedule | undefined> {
  try {
    const description = await temporal.schedule.getHandle(seriesScheduleId(seriesId)).describe();
    return { series: seriesOf(description), paused: description.state.paused, nextFireTimes: description.info.nextActionTimes, remainingActions: description.state.remainingActions, spec: description.spec };
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return undefined;
    throw error;
  }
}

/**
 * Rewrites the series' Schedule: its occurrence input and, when given, its spec (the exclusions made by skips
 * are kept). Occurrences already started keep what they were started with.
 */
export async function updateSeriesSchedule(temporal: Client, seriesId: string, change: (series: RecurringSeries) => { series: RecurringSeries; spec?: ScheduleSpec; exclude?: CalendarSpec; pause?: string }): Promise<void> {
  const handle = temporal.schedule.getHandle(seriesScheduleId(seriesId));
  await handle.update((previous) => {
    if (previous.action.type !== 'startWorkflow') throw new Error(`schedule ${previous.scheduleId} does not start a workflow`);
    const next = change(seriesOf(previous));
    const spec = next.spec ? { ...next.spec, skip: previous.spec.skip } : previous.spec;
    const skip = [...(spec.skip ?? []), ...(next.exclude ? [next.exclude] : [])];
    return {
      ...previous,
      spec: { ...spec, skip },
      action: { ...previous.action, args: [next.series] },
      state: { ...previous.state, ...(next.pause ? { paused: true, note: next.pause } : {}) },
    };
  });
}

/** A calendar that matches exactly one fire time (a skipped occurrence's), in the spec's own zone. */
export function exactCalendar(fireAt: Date, timeZone: string): CalendarSpec {
  const wall = wallTimeOf(fireAt, timeZone);
  return { year: wall.year, month: MONTHS[wall.month - 1], dayOfMonth: wall.day, hour: wall.hour, minute: wall.minute, comment: `skip ${fireAt.toISOString()}` };
}

/** The ids of the series a person hosts (their Schedules carry the host in their memo). */
export async function seriesIdsHostedBy(temporal: Client, hostId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const schedule of temporal.schedule.list()) {
    if (schedule.scheduleId.startsWith(seriesScheduleId('')) && schedule.memo?.hostId === hostId) ids.push(schedule.scheduleId.slice(seriesScheduleId('').length));
  }
  return ids;
}
