import type { Context } from 'koa';
import { z } from 'zod';
import { RecurrenceError } from '../../clients/recurring';
import { isoDateIn } from '../../clients/zone-time';
import { parseRecurrenceRule } from '../../commands/recurrence-rule';
import { cancelSeries, changeSeries, createSeries, findVisibleSeries, skipOccurrence, type SeriesDetail } from '../../commands/series';
import { apiActor } from '../audit';
import { commandDeps, type ApiDeps } from '../deps';
import type { RouteRegistry } from '../routing';
import { meetingView } from '../views';
import type { Invitee, MeetingSettings } from '../../workflows/messages';

/** An RRULE the Schedules can run; the message names the part that is not supported. */
export const recurrenceRule = z
  .string()
  .max(500)
  .superRefine((rule, ctx) => {
    try {
      parseRecurrenceRule(rule);
    } catch (error) {
      if (!(error instanceof RecurrenceError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
    }
  });

export const timeZoneName = z.string().refine(
  (timeZone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'must be an IANA time zone such as Europe/Berlin' },
);

const isoDate = z.string().refine((value) => /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), { error: 'must be a date like 2027-03-01' });
const byId = { params: z.object({ id: z.string() }) };
const change = {
  params: byId.params,
  body: z
    .object({
      title: z.string().trim().min(1, { error: 'must not be empty' }).max(255).optional(),
      durationMinutes: z.number().int().min(1).max(24 * 60).optional(),
      time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a time of day like 09:15 (24-hour, in the series\' time zone)' }).optional(),
    })
    .strict()
    .refine((body) => Object.keys(body).length > 0, { error: 'give at least one of title, durationMinutes, time' }),
};
const skip = { params: byId.params, body: z.object({ date: isoDate }) };

export const seriesView = (detail: SeriesDetail) => {
  const timeZone = detail.series.timeZone ?? 'UTC';
  return {
    id: detail.id,
    title: detail.series.title,
    rule: detail.series.rule ?? null,
    recurrence: detail.description,
    timeZone,
    durationMinutes: detail.series.durationMinutes,
    hostId: detail.series.hostId,
    status: detail.status,
    invitees: detail.series.invitees.map((invitee) => ({ email: invitee.email, name: invitee.name ?? null, userId: invitee.userId ?? null })),
    nextOccurrences: detail.nextOccurrences.map((date) => ({ start: date.toISOString(), date: isoDateIn(date, timeZone) })),
    pastOccurrences: detail.occurrences.map(meetingView),
    skippedDates: detail.series.skipped ?? [],
    link: `/series/${detail.id}`,
  };
};

/** POST /meetings with a recurrence: the series, from its first occurrence at `start`'s time of day on. */
export async function createSeriesFromRequest(
  ctx: Context,
  deps: ApiDeps,
  body: { title: string; start: string; durationMinutes: number; invitees: Invitee[]; settings: MeetingSettings; recurrence: string; timeZone?: string },
): Promise<void> {
  const actor = apiActor(ctx);
  const timeZone = body.timeZone ?? String(actor.user.notificationPreferences.timeZone ?? 'UTC');
  const detail = await createSeries(commandDeps(deps), actor, { title: body.title, start: new Date(body.start), timeZone, durationMinutes: body.durationMinutes, invitees: body.invitees, rule: body.recurrence, settings: body.settings });
  ctx.set('Location', `/series/${detail.id}`);
  ctx.body = { series: seriesView(detail) };
}

export function seriesRoutes(routes: RouteRegistry, deps: ApiDeps): void {
  const series = (ctx: Context, id: string) => findVisibleSeries(commandDeps(deps), apiActor(ctx), id);

  routes.add({
    method: 'get',
    path: '/series/{id}',
    summary: 'A recurring series: its rule, time zone, next occurrences, the meetings it made and the dates skipped',
    auth: true,
    schemas: byId,
    handler: async (ctx, { params }) => {
      ctx.body = { series: seriesView(await series(ctx, params.id)) };
    },
  });

  routes.add({
    method: 'patch',
    path: '/series/{id}',
    summary: 'Change the occurrences to come: title, durationMinutes, or time (HH:MM in the series\' zone); meetings already made keep theirs (host only)',
    auth: true,
    schemas: change,
    handler: async (ctx, { params, body }) => {
      ctx.body = { series: seriesView(await changeSeries(commandDeps(deps), apiActor(ctx), await series(ctx, params.id), body)) };
    },
  });

  routes.add({
    method: 'post',
    path: '/series/{id}/skip',
    summary: 'One occurrence (its date, YYYY-MM-DD in the series\' zone) does not happen; its meeting is cancelled if already made (host only)',
    auth: true,
    schemas: skip,
    handler: async (ctx, { params, body }) => {
      ctx.body = { series: seriesView(await skipOccurrence(commandDeps(deps), apiActor(ctx), await series(ctx, params.id), body.date)) };
    },
  });

  routes.add({
    method: 'delete',
    path: '/series/{id}',
    summary: 'Cancel the series: no further occurrences, and meetings it made that have not started are cancelled (host only)',
    auth: true,
    schemas: byId,
    handler: async (ctx, { params }) => {
      ctx.body = { series: seriesView(await cancelSeries(commandDeps(deps), apiActor(ctx), await series(ctx, params.id))) };
    },
  });
}
