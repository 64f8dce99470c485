import type { Context } from 'koa';
import { z } from 'zod';
import { MeetingsClient } from '../../clients/meetings';
import { CANCEL_REASON_MAX, cancelMeeting, createMeeting, endMeeting, findVisibleMeeting, findVisibleMeetingDetail, joinToken, rescheduleMeeting } from '../../commands/meetings';
import { setRecordingConsent } from '../../commands/consent';
import { authorize } from '../../commands/types';
import { ActionItem, Participant, ParticipantReport, Recording, Transcript, User } from '../../db/entities';
import { briefText, meetingBrief } from '../../db/brief';
import { latestSummary } from '../../db/summaries';
import { knownKinds } from '../../integrations/summarizer/meeting-kinds';
import { visibleMeetingList } from '../../db/visibility';
import { canManageMeeting } from '../../policies/meetings';
import { MEETING_PHASES } from '../../workflows/phases';
import { apiActor, auditRequest } from '../audit';
import { commandDeps, type ApiDeps } from '../deps';
import { HttpError } from '../middleware/errors';
import type { RouteRegistry } from '../routing';
import { CURSOR_HELP, decodeCursorJson, EMAIL_MAX, emailAddress, isoDateTime, isSaneTime, UUID } from '../schemas';
import { createSeriesFromRequest, recurrenceRule, timeZoneName } from './series';
import { actionItemView, meetingView, participantView, recordingView, reportView, summaryView } from '../views';

const future = (label: string) => isoDateTime(label).refine((value) => Date.parse(value) > Date.now(), { error: `${label} must be in the future` });

const invitee = z.union([
  z.email({ error: 'an invitee is an email address or { "email" } or { "userId" }' }).max(EMAIL_MAX, { error: `an invitee's email address has at most ${EMAIL_MAX} characters` }).transform((email) => ({ email })),
  z.object({ email: emailAddress, name: z.string().max(200).optional() }),
  z.object({ userId: z.uuid() }),
]);

const create = {
  body: z.object({
    title: z.string().trim().min(1, { error: 'must not be empty' }).max(255),
    description: z.string().max(5000).optional(),
    start: future('start'),
    durationMinutes: z.number().int().min(1).max(24 * 60).default(30),
    invitees: z.array(invitee).max(500).default([]),
    type: z.enum(['scheduled', 'instant']).default('scheduled'),
    tags: z.array(z.string().trim().min(1).max(50)).max(20).default([]),
    settings: z
      .object({
        autoRecord: z.boolean().optional(),
        language: z.string().min(2).max(20).optional(),
        reminderMinutesBefore: z.number().int().min(0).max(7 * 24 * 60).optional(),
        briefMinutesBefore: z.number().int().min(1).max(7 * 24 * 60).optional(),
        briefAudience: z.enum(['host', 'everyone'], { error: 'must be host (the brief goes to the host) or everyone (each invitee gets their own)' }).optional(),
        noShowGraceMinutes: z.number().int().min(1).max(240).optional(),
        maxDurationMinutes: z.number().int().min(1).max(24 * 60).optional(),
        reconcileSeconds: z.number().int().min(1).max(3600).optional(),
        approval: z.enum(['on', 'off'], { error: 'approval is "on" (the host approves the recap before participants get it) or "off"' }).optional(),
        approvalAutoReleaseMinutes: z.number({ error: 'approvalAutoReleaseMinutes is a number of minutes (0: never auto-release)' }).int({ error: 'approvalAutoReleaseMinutes is a whole number of minutes' }).min(0, { error: 'approvalAutoReleaseMinutes is 0 (never) or more' }).max(30 * 24 * 60, { error: 'approvalAutoReleaseMinutes is at most 43200 (30 days)' }).optional(),
        meetingKind: z
          .string()
          .superRefine((kind, ctx) => {
            if (!knownKinds().includes(kind)) ctx.addIssue({ code: 'custom', message: `must be one of ${knownKinds().join(', ')} (or left out: the kind is then read from the title and what is said)` });
          })
          .optional(),
      })
      .strict()
      .default({}),
    /** With a recurrence the request makes a series (one meeting per occurrence, from `start` on). */
    recurrence: recurrenceRule.optional(),
    timeZone: timeZoneName.optional(),
  }),
};

const list = {
  query: z.object({
    status: z.enum(MEETING_PHASES).optional(),
    from: isoDateTime('from').optional(),
    to: isoDateTime('to').optional(),
    tag: z.string().max(50).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().optional(),
  }),
};

const byId = { params: z.object({ id: z.string() }) };
const detail = { params: byId.params, query: z.object({ live: z.enum(['true', 'false'], { error: 'live is true or false' }).default('false') }) };
const reschedule = { params: byId.params, body: z.object({ start: future('start') }) };
const cancel = { params: byId.params, body: z.object({ reason: z.string().max(CANCEL_REASON_MAX).default('') }) };
const consent = {
  params: byId.params,
  body: z.object({
    record: z.boolean({ error: 'record must be true (you may be recorded) or false (do not record you)' }),
    eventId: z.string().min(1).max(200, { error: 'eventId has at most 200 characters' }).optional(),
  }),
};
const transcriptPage = { params: byId.params, query: z.object({ offset: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(500).default(100) }) };
const summaryQuery = { params: byId.params, query: z.object({ version: z.coerce.number().int().min(1).optional() }) };

interface Cursor {
  start: string;
  id: string;
}
const encodeCursor = (room: { scheduledStartTime?: Date | null; id: string }) => Buffer.from(JSON.stringify({ start: room.scheduledStartTime?.toISOString() ?? '', id: room.id })).toString('base64url');
function decodeCursor(cursor: string): Cursor {
  const parsed = decodeCursorJson(cursor) as Partial<Cursor> | undefined;
  const start = parsed?.start;
  // (start is '' for a meeting without a start time)
  if (typeof start === 'string' && (start === '' || isSaneTime(Date.parse(start))) && typeof parsed?.id === 'string' && UUID.test(parsed.id)) return { start, id: parsed.id };
  throw new HttpError(400, 'validation_error', `query.cursor: ${CURSOR_HELP}`, { errors: [{ field: 'query.cursor', message: CURSOR_HELP }] });
}

export function meetingRoutes(routes: RouteRegistry, deps: ApiDeps): void {
  const meeting = (ctx: Context, id: string) => findVisibleMeeting(commandDeps(deps), apiActor(ctx), id);

  routes.add({
    method: 'post',
    path: '/meetings',
    summary: 'Schedule a meeting: writes it and starts its workflow (invites go out at once); with `recurrence` (an RRULE) a series instead',
    auth: true,
    schemas: create,
    status: 201,
    handler: async (ctx, { body }) => {
      const invitees = await resolveInvitees(deps.orm.em, body.invitees);
      if (body.recurrence) return createSeriesFromRequest(ctx, deps, { ...body, recurrence: body.recurrence, invitees });
      const { room, workflowId } = await createMeeting(commandDeps(deps), apiActor(ctx), {
        title: body.title,
        description: body.description,
        start: new Date(body.start),
        durationMinutes: body.durationMinutes,
        invitees,
        tags: body.tags,
        settings: body.settings,
        type: body.type,
      });
      ctx.set('Location', `/meetings/${room.id}`);
      ctx.body = { meeting: meetingView(room), workflowId };
    },
  });

  routes.add({
    method: 'get',
    path: '/meetings',
    summary: 'My meetings (hosted, joined or invited), newest start first; filters and cursor pagination',
    auth: true,
    schemas: list,
    handler: async (ctx, { query }) => {
      const rooms = await visibleMeetingList(deps.orm.em, apiActor(ctx).user, {
        phases: query.status ? [query.status] : undefined,
        from: query.from,
        to: query.to,
        tag: query.tag,
        after: query.cursor ? decodeCursor(query.cursor) : undefined,
        limit: query.limit + 1,
      });
      const page = rooms.slice(0, query.limit);
      ctx.body = { meetings: page.map(meetingView), nextCursor: rooms.length > query.limit ? encodeCursor(page[page.length - 1]) : null };
    },
  });

  routes.add({
    method: 'get',
    path: '/meetings/{id}',
    summary: "A meeting: its row and its status as its workflow last stored it; with ?live=true also the workflow's own answer (a query)",
    auth: true,
    schemas: detail,
    handler: async (ctx, { params, query }) => {
      const { meeting: room, status } = await findVisibleMeetingDetail(commandDeps(deps), apiActor(ctx), params.id);
      const live = query.live === 'true' ? { live: await new MeetingsClient(deps.temporal).status(room.id).catch(() => null) } : {};
      ctx.body = { meeting: meetingView(room), status, ...live };
    },
  });

  routes.add({
    method: 'post',
    path: '/meetings/{id}/reschedule',
    summary: 'Move a meeting that has not started (sends updated invites)',
    auth: true,
    schemas: reschedule,
    handler: async (ctx, { params, body }) => {
      const room = await meeting(ctx, params.id);
      ctx.body = { status: await rescheduleMeeting(commandDeps(deps), apiActor(ctx), room, new Date(body.start)) };
    },
  });

  routes.add({
    method: 'post',
    path: '/meetings/{id}/cancel',
    summary: 'Cancel a meeting before processing began (sends cancellations)',
    auth: true,
    schemas: cancel,
    handler: async (ctx, { params, body }) => {
      const room = await meeting(ctx, params.id);
      ctx.body = { status: await cancelMeeting(commandDeps(deps), apiActor(ctx), room, body.reason) };
    },
  });

  routes.add({
    method: 'post',
    path: '/meetings/{id}/end',
    summary: 'End a live meeting (processing starts)',
    auth: true,
    schemas: byId,
    handler: async (ctx, { params }) => {
      const room = await meeting(ctx, params.id);
      ctx.body = { status: await endMeeting(commandDeps(deps), apiActor(ctx), room) };
    },
  });

  routes.add({
    method: 'post',
    path: '/meetings/{id}/consent',
    summary: 'Your own say on being recorded in this meeting, before or during it: { "record": false } and the recorder leaves you out; an eventId makes a retry change nothing',
    auth: true,
    schemas: consent,
    handler: async (ctx, { params, body }) => {
      ctx.body = await setRecordingConsent(commandDeps(deps), apiActor(ctx), { roomId: params.id, record: body.record, eventId: body.eventId });
    },
  });

  routes.add({
    method: 'get',
    path: '/meetings/{id}/join',
    summary: 'A token to join the video room (LiveKit), with the URL to connect to; the host gets admin and recording rights',
    auth: true,
    schemas: byId,
    handler: async (ctx, { params }) => {
      const room = await meeting(ctx, params.id);
      ctx.body = await joinToken(deps.providers.video, apiActor(ctx), room);
    },
  });

  routes.add({
    method: 'get',
    path: '/meetings/{id}/participants',
    summary: 'Who was invited, joined and for how long',
    auth: true,
    schemas: byId,
    handler: async (ctx, { params }) => {
      const room = await meeting(ctx, params.id);
      const participants = await deps.orm.em.find(Participant, { room: room.id }, { populate: ['user'], orderBy: { createdAt: 'asc' } });
      ctx.body = { participants: participants.map(participantView) };
    },
  });

  routes.add({
    method: 'get',
    path: '/meetings/{id}/recordings',
    summary: "The meeting's recordings",
    auth: true,
    schemas: byId,
    handler: async (ctx, { params }) => {
      const room = await meeting(ctx, params.id);
      const recordings = await deps.orm.em.find(Recording, { room: room.id }, { orderBy: { createdAt: 'asc' } });
      ctx.body = { recordings: recordings.map(recordingView) };
    },
  });

  routes.add({
    method: 'get',
    path: '/meetings/{id}/transcript',
    summary: 'The transcript: text and segments, paged by segment',
    auth: true,
    schemas: transcriptPage,
    handler: async (ctx, { params, query }) => {
      const room = await meeting(ctx, params.id);
      const transcript = await deps.orm.em.findOne(Transcript, { room: room.id }, { orderBy: { createdAt: 'desc' } });
      if (!transcript) throw new HttpError(404, 'not_found', 'This meeting has no transcript (yet): it is made after the meeting from its recording');
      if (transcript.purgedAt) {
        throw new HttpError(410, 'gone', `This transcript was removed on ${transcript.purgedAt.toISOString().slice(0, 10)} by the retention policy (TRANSCRIPT_RETENTION_DAYS); the summary is kept`);
      }
      await auditRequest(ctx, deps.orm.em, { action: 'transcript.read', target: { type: 'transcript', id: transcript.id }, details: { meetingId: room.id } });
      const segments = transcript.segments.slice(query.offset, query.offset + query.limit);
      ctx.body = {
        transcript: { id: transcript.id, language: transcript.language, speakerCount: transcript.speakerCount, confidence: transcript.confidenceScore ?? null, text: transcript.text },
        segments,
        page: { offset: query.offset, limit: query.limit, total: transcript.segments.length, nextOffset: query.offset + segments.length < transcript.segments.length ? query.offset + segments.length : null },
      };
    },
  });

  routes.add({
    method: 'get',
    path: '/meetings/{id}/summary',
    summary: 'The summary (latest version, or ?version=n)',
    auth: true,
    schemas: summaryQuery,
    handler: async (ctx, { params, query }) => {
      const room = await meeting(ctx, params.id);
      const summary = await latestSummary(deps.orm.em, room.id, query.version);
      if (!summary) throw new HttpError(404, 'not_found', query.version ? `No summary version ${query.version} for this meeting` : 'This meeting has no summary (yet)');
      await auditRequest(ctx, deps.orm.em, { action: 'summary.read', target: { type: 'summary', id: summary.id }, details: { meetingId: room.id, version: summary.version } });
      ctx.body = { summary: summaryView(summary) };
    },
  });

  routes.add({
    method: 'get',
    path: '/meetings/{id}/action-items',
    summary: "The action items of the meeting's latest summary",
    auth: true,
    schemas: byId,
    handler: async (ctx, { params }) => {
      const room = await meeting(ctx, params.id);
      const em = deps.orm.em;
      const summary = await latestSummary(em, room.id);
      const items = summary ? await em.find(ActionItem, { summary: summary.id }, { populate: ['assignedTo', 'room'], orderBy: { position: 'asc' } }) : [];
      ctx.body = { actionItems: items.map(actionItemView) };
    },
  });

  routes.add({
    method: 'get',
    path: '/meetings/{id}/brief',
    summary: "Before the meeting: what is still open from the same people's earlier meetings (that I may see), the last one's decisions and its topics without a decision",
    auth: true,
    schemas: byId,
    handler: async (ctx, { params }) => {
      const room = await meeting(ctx, params.id);
      const brief = await meetingBrief(deps.orm.em.fork(), room, apiActor(ctx).user);
      ctx.body = {
        brief: {
          earlier: brief.earlier,
          openItems: brief.openItems.map(actionItemView),
          lastDecisions: brief.lastDecisions.map((decision) => ({ text: decision.text, speaker: decision.speaker ?? null })),
          openTopics: brief.openTopics,
          text: briefText(brief),
        },
      };
    },
  });

  routes.add({
    method: 'get',
    path: '/meetings/{id}/reports/me',
    summary: 'My participant report for this meeting',
    auth: true,
    schemas: byId,
    handler: async (ctx, { params }) => {
      const room = await meeting(ctx, params.id);
      const reports = await latestReports(room.id);
      const mine = reports.find((report) => report.participant.user.id === apiActor(ctx).user.id);
      if (!mine) throw new HttpError(404, 'not_found', 'You have no report for this meeting (reports are made for participants after it is processed)');
      await auditRequest(ctx, deps.orm.em, { action: 'report.read', target: { type: 'participant_report', id: mine.id }, details: { meetingId: room.id, whose: 'own' } });
      ctx.body = { report: reportView(mine) };
    },
  });

  routes.add({
    method: 'get',
    path: '/meetings/{id}/reports',
    summary: "Every participant's report (host only)",
    auth: true,
    schemas: byId,
    handler: async (ctx, { params }) => {
      const room = await meeting(ctx, params.id);
      authorize(apiActor(ctx), (user) => canManageMeeting(user, room), "Only the host can see everyone's reports (GET /meetings/{id}/reports/me shows yours)");
      const reports = await latestReports(room.id);
      await auditRequest(ctx, deps.orm.em, { action: 'report.read', target: { type: 'meeting', id: room.id }, details: { meetingId: room.id, whose: 'all', count: reports.length } });
      ctx.body = { reports: reports.map(reportView) };
    },
  });

  async function latestReports(roomId: string) {
    const em = deps.orm.em;
    const summary = await latestSummary(em, roomId);
    if (!summary) return [];
    return em.find(ParticipantReport, { summary: summary.id }, { populate: ['participant.user', 'summary'], orderBy: { speakingTime: 'desc' } });
  }
}

async function resolveInvitees(em: ReturnType<ApiDeps['orm']['em']['fork']>, invitees: ({ email: string; name?: string } | { userId: string })[]) {
  const ids = invitees.flatMap((invitee) => ('userId' in invitee ? [invitee.userId] : []));
  const users = ids.length ? await em.find(User, { id: { $in: ids } }) : [];
  return invitees.map((invitee) => {
    if (!('userId' in invitee)) return invitee;
    const user = users.find((candidate) => candidate.id === invitee.userId);
    if (!user) throw new HttpError(422, 'invalid_request', `body.invitees: no user ${invitee.userId}`);
    return { email: user.email, name: user.name, userId: user.id };
  });
}

