/**
 * Timings read from workflow histories (the server's own event times), so measuring does not add load:
 * per activity, how long it waited for a worker slot (scheduled → started) and how long it ran
 * (started → completed); per workflow task, the same two; and the time between two named events.
 */
import type { temporal } from '@temporalio/proto';
import { tsToMs } from '@temporalio/common/lib/time';
import { percentile } from './bench-env';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const SCHEDULE_TO_START = 2; // temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START
export type History = temporal.api.history.v1.IHistory;

export interface StepTiming {
  /** The activity type, or "(workflow task)". */
  name: string;
  waitMs: number;
  runMs: number;
}

const eventMs = (event: HistoryEvent) => tsToMs(event.eventTime);
const idOf = (value: unknown) => String(value);

/** Completed activities of one history (scheduled at or after `from`, ms), each with its wait and run time. */
export function activityTimings(history: History, from = 0): StepTiming[] {
  const events = history.events ?? [];
  const byId = new Map(events.map((event) => [idOf(event.eventId), event]));
  return events.flatMap((event) => {
    const completed = event.activityTaskCompletedEventAttributes;
    if (!completed) return [];
    const scheduled = byId.get(idOf(completed.scheduledEventId));
    const started = byId.get(idOf(completed.startedEventId));
    if (!scheduled || !started || eventMs(scheduled) < from) return [];
    const name = scheduled.activityTaskScheduledEventAttributes?.activityType?.name ?? '?';
    return [{ name, waitMs: eventMs(started) - eventMs(scheduled), runMs: eventMs(event) - eventMs(started) }];
  });
}

/** Completed workflow tasks (scheduled at or after `from`, ms): how long each waited for a worker and how long it took. */
export function workflowTaskTimings(history: History, from = 0): StepTiming[] {
  const events = history.events ?? [];
  const byId = new Map(events.map((event) => [idOf(event.eventId), event]));
  return events.flatMap((event) => {
    const completed = event.workflowTaskCompletedEventAttributes;
    if (!completed) return [];
    const scheduled = byId.get(idOf(completed.scheduledEventId));
    const started = byId.get(idOf(completed.startedEventId));
    if (!scheduled || !started || eventMs(scheduled) < from) return [];
    return [{ name: '(workflow task)', waitMs: eventMs(started) - eventMs(scheduled), runMs: eventMs(event) - eventMs(started) }];
  });
}

/** The marker a local activity leaves in its workflow's history (it runs inside a workflow task: no task of its own). */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';
const isLocalActivity = (event: HistoryEvent) => event.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER;

/** Local activities that completed in a history (their markers). */
export const localActivityCount = (history: History) => (history.events ?? []).filter(isLocalActivity).length;

/** Every activity that completed in a history: regular ones and local ones. */
export const activityCount = (history: History) => activityTimings(history).length + localActivityCount(history);

/** Every activity and workflow task of a history scheduled at or after `from` (ms). */
export function stepTimings(history: History, from = 0): StepTiming[] {
  return [...activityTimings(history, from), ...workflowTaskTimings(history, from)];
}

/** The time of the first signal with this name, or undefined. */
export function signalTime(history: History, signalName: string): number | undefined {
  const event = history.events?.find((candidate) => candidate.workflowExecutionSignaledEventAttributes?.signalName === signalName);
  return event ? eventMs(event) : undefined;
}

/** The time the workflow closed as completed, or undefined. */
export function completionTime(history: History): number | undefined {
  const event = history.events?.find((candidate) => candidate.workflowExecutionCompletedEventAttributes);
  return event ? eventMs(event) : undefined;
}

export function startTime(history: History): number | undefined {
  const first = history.events?.[0];
  return first?.workflowExecutionStartedEventAttributes ? eventMs(first) : undefined;
}

/** Activities scheduled before and after the first signal of this name. */
export function activitiesAroundSignal(history: History, signalName: string): { before: number; after: number; localBefore: number; localAfter: number } {
  let seenSignal = false;
  const counts = { before: 0, after: 0, localBefore: 0, localAfter: 0 };
  for (const event of history.events ?? []) {
    if (event.workflowExecutionSignaledEventAttributes?.signalName === signalName) seenSignal = true;
    const local = isLocalActivity(event);
    if (!event.activityTaskScheduledEventAttributes && !local) continue;
    counts[seenSignal ? 'after' : 'before'] += 1;
    if (local) counts[seenSignal ? 'localAfter' : 'localBefore'] += 1;
  }
  return counts;
}

export interface StepSummary {
  name: string;
  count: number;
  waitP50: number;
  waitP95: number;
  runP50: number;
  runP95: number;
  /** Wait + run summed over every occurrence: where the pipeline's time goes in total. */
  totalMs: number;
}

/** Per step name: count, p50/p95 of wait and run, total time; the largest total first. */
export function summarizeSteps(timings: StepTiming[]): StepSummary[] {
  const groups = new Map<string, StepTiming[]>();
  for (const timing of timings) {
    const group = groups.get(timing.name) ?? [];
    group.push(timing);
    groups.set(timing.name, group);
  }
  return [...groups.entries()]
    .map(([name, group]) => {
      const waits = group.map((t) => t.waitMs).sort((a, b) => a - b);
      const runs = group.map((t) => t.runMs).sort((a, b) => a - b);
      return {
        name,
        count: group.length,
        waitP50: percentile(waits, 50),
        waitP95: percentile(waits, 95),
        runP50: percentile(runs, 50),
        runP95: percentile(runs, 95),
        totalMs: group.reduce((sum, t) => sum + t.waitMs + t.runMs, 0),
      };
    })
    .sort((a, b) => b.totalMs - a.totalMs);
}

/** The time the first timer fired (a meeting's durable wait for its start), or undefined. */
export function firstTimerFired(history: History): number | undefined {
  const event = history.events?.find((candidate) => candidate.timerFiredEventAttributes);
  return event ? eventMs(event) : undefined;
}

/**
 * When a meeting entered `phase`: it upserts MeetingStatus, stores the phase (an activity), then switches, so the
 * phase is reached when the first activity after that upsert completes (a local activity's marker is its completion).
 */
export function phaseReached(history: History, phase: string): number | undefined {
  const events = history.events ?? [];
  const upsert = events.findIndex((event) => searchAttributeValue(event, 'MeetingStatus') === phase);
  if (upsert < 0) return undefined;
  const scheduled = events.slice(upsert).find((event) => event.activityTaskScheduledEventAttributes || isLocalActivity(event));
  if (scheduled && isLocalActivity(scheduled)) return eventMs(scheduled);
  const completed = scheduled && events.find((event) => idOf(event.activityTaskCompletedEventAttributes?.scheduledEventId) === idOf(scheduled.eventId));
  return completed ? eventMs(completed) : undefined;
}

function searchAttributeValue(event: HistoryEvent, name: string): unknown {
  const payload = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.[name];
  if (!payload?.data) return undefined;
  return JSON.parse(Buffer.from(payload.data).toString('utf8')) as unknown;
}

/** When the first activity completed: when bench/burst's floor workflow went live. */
export function firstActivityCompleted(history: History): number | undefined {
  const completed = (history.events ?? []).find((event) => event.activityTaskCompletedEventAttributes || isLocalActivity(event));
  return completed ? eventMs(completed) : undefined;
}

/** Workflow tasks that timed out before a worker took them (a sticky queue not drained in time), in one history. */
export function workflowTaskScheduleTimeouts(history: History): number {
  return (history.events ?? []).filter((event) => event.workflowTaskTimedOutEventAttributes?.timeoutType === SCHEDULE_TO_START).length;
}
