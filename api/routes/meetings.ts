import type { Context } from 'koa';
import { z } from 'zod';
import { scheduleMeeting } from '../../clients/meetings';
import { ActionItem, Participant, ParticipantReport, Recording, Room, Transcript, User, type RoomEntity } from '../../db/entities';
import { ROOM_STATUSES } from '../../db/entities/room';
import { latestSummary } from '../../db/summaries';
import { meetingWorkflowId } from '../../workflows/ids';
import { cancelUpdate, endMeetingUpdate, rescheduleUpdate, statusQuery, type MeetingStatus } from '../../workflows/messages';
import { joinRoom } from '../join-room';
import { requireHost, VISIBLE_ROOM_SQL, visibleMeeting, visibleRoomParams } from '../access';
import type { ApiDeps } from '../app';
import { auditRequest } from '../audit';
import { currentUser } from '../middleware/auth';
import { HttpError } from '../middleware/errors';
import { inputOf } from '../middleware/validate';
import { asHttp } from '../temporal-errors';
import type { RouteRegistry } from '../routing';
import { actionItemView, meetingView, participantView, recordingView, reportView, summaryView } from '../views';

const future = (label: string) =>
  z.iso.datetime({ offset: true, error: `${label} must be an ISO 8601 date and time, e.g. 2026-12-03T14:00:00Z` }).refine((value) => Date.parse(value) > Date.now(), { error: `${label} must be in the future` });

const invitee = z.union([
  z.email({ error: 'an invitee is an email address or { "email" } or { "userId" }' }).transform((email) => ({ email })),
  z.object({ email: z.email(), name: z.string().max(200).optional() }),
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
        noShowGraceMinutes: z.number().int().min(1).max(240).optional(),
        maxDurationMinutes: z.number().int().min(1).max(24 * 60).optional(),
        reconcileSeconds: z.number().int().min(1).max(3600).optional(),
      })
      .strict()
      .default({}),
  }),
};

const list = {
  query: z.object({
    status: z.enum(ROOM_STATUSES).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    tag: z.string().optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().optional(),
  }),
};

const byId = { params: z.object({ id: z.string() }) };
const reschedule = { params: byId.params, body: z.object({ start: future('start') }) };
const cancel = { params: byId.params, body: z.object({ reason: z.string().max(500).default('') }) };
const transcriptPage = { params: byId.params, query: z.object({ offset: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(500).default(100) }) };
const summaryQuery = { params: byId.params, query: z.object({ version: z.coerce.number().int().min(1).optional() }) };

interface Cursor {
  start: string;
  id: string;
}
const encodeCursor = (room: RoomEntity) => Buffer.from(JSON.stringify({ start: room.scheduledStartTime?.toISOString() ?? '', id: room.id })).toString('base64url');
function decodeCursor(cursor: string): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Cursor;
    if (typeof parsed.start === 'string' && typeof parsed.id === 'string') return parsed;
  } catch {
    /* fall through */
  }
  throw new HttpError(400, 'validation_error', 'query.cursor: not a cursor this API gave out (use nextCursor from the previous page)');
}

export function meetingRoutes(routes: RouteRegistry, deps: ApiDeps): void {
  const handleOf = (roomId: string) => deps.temporal.workflow.getHandle(meetingWorkflowId(roomId));
  const meeting = async (ctx: Context) => visibleMeeting(deps.orm.em, currentUser(ctx), inputOf(ctx, byId).params.id);

  routes.add({
    method: 'post',
    path: '/meetings',
    summary: 'Schedule a meeting: writes it and starts its workflow (invites go out at once)',
    auth: true,
    schemas: create,
    status: 201,
    handler: async (ctx) => {
      const { body } = inputOf(ctx, create);
      const em = deps.orm.em;
      const invitees = await resolveInvitees(em, body.invitees);
      const host = await em.findOneOrFail(User, currentUser(ctx).id);
      const { room, workflowId } = await scheduleMeeting(
        { em, temporal: deps.temporal, cfg: deps.cfg },
        { host, title: body.title, description: body.description, start: new Date(body.start), durationMinutes: body.durationMinutes, invitees, tags: body.tags, settings: body.settings, type: body.type },
      );
      await auditRequest(ctx, em, { action: 'meeting.create', target: { type: 'meeting', id: room.id }, details: { title: room.name, start: body.start, invitees: invitees.length } });
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
    handler: async (ctx) => {
      const { query } = inputOf(ctx, list);
      const user = currentUser(ctx);
      const conditions: string[] = [];
      const params: unknown[] = [];
      const where = (sql: string, ...values: unknown[]) => {
        conditions.push(sql);
        params.push(...values);
      };
      if (user.role !== 'admin') where(VISIBLE_ROOM_SQL, ...visibleRoomParams(user));
      if (query.status) where('r.status = ?', query.status);
      if (query.from) where('r.scheduled_start_time >= ?', query.from);
      if (query.to) where('r.scheduled_start_time < ?', query.to);
      if (query.tag) where('r.tags @> array[?]::text[]', query.tag);
      if (query.cursor) {
        const cursor = decodeCursor(query.cursor);
        where(`(coalesce(r.scheduled_start_time, 'epoch'), r.id) < (coalesce(?::timestamptz, 'epoch'), ?::uuid)`, cursor.start || null, cursor.id);
      }
      if (conditions.length === 0) where('true');
      const em = deps.orm.em;
      const ids = await em.getConnection().execute<{ id: string }[]>(
        `select r.id from rooms r where ${conditions.join(' and ')} order by coalesce(r.scheduled_start_time, 'epoch') desc, r.id desc limit ?`,
        [...params, query.limit + 1],
      );
      const page = ids.slice(0, query.limit).map((row) => row.id);
      const rooms = await em.find(Room, { id: { $in: page } }, { populate: ['host'] });
      const ordered = page.map((id) => rooms.find((room) => room.id === id)!);
      ctx.body = { meetings: ordered.map(meetingView), nextCursor: ids.length > query.limit ? encodeCursor(ordered[ordered.length - 1]) : null };
    },
  });

  routes.add({
    method: 'get',
    path: '/meetings/{id}',
    summary: 'A meeting: its row and the live status of its workflow',
    auth: true,
    schemas: byId,
    handler: async (ctx) => {
      const room = await meeting(ctx);
      const live = await handleOf(room.id)
        .query(statusQuery)
        .catch(() => null as MeetingStatus | null);
      ctx.body = { meeting: meetingView(room), live };
    },
  });

  routes.add({
    method: 'post',
    path: '/meetings/{id}/reschedule',
    summary: 'Move a meeting that has not started (sends updated invites)',
    auth: true,
    schemas: reschedule,
    handler: async (ctx) => {
      const room = await meeting(ctx);
      requireHost(room, currentUser(ctx), 'reschedule this meeting');
      const { body } = inputOf(ctx, reschedule);
      const status = await asHttp(() => handleOf(room.id).executeUpdate(rescheduleUpdate, { args: [body.start] }));
      await auditRequest(ctx, deps.orm.em, { action: 'meeting.reschedule', target: { type: 'meeting', id: room.id }, details: { from: room.scheduledStartTime?.toISOString() ?? null, to: body.start } });
      ctx.body = { status };
    },
  });

  routes.add({
    method: 'post',
    path: '/meetings/{id}/cancel',
    summary: 'Cancel a meeting before processing began (sends cancellations)',
    auth: true,
    schemas: cancel,
    handler: async (ctx) => {
      const room = await meeting(ctx);
      requireHost(room, currentUser(ctx), 'cancel this meeting');
      const { body } = inputOf(ctx, cancel);
      const status = await asHttp(() => handleOf(room.id).executeUpdate(cancelUpdate, { args: [body.reason] }));
      await auditRequest(ctx, deps.orm.em, { action: 'meeting.cancel', target: { type: 'meeting', id: room.id }, details: { reason: body.reason } });
      ctx.body = { status };
    },
  });

  routes.add({
    method: 'post',
    path: '/meetings/{id}/end',
    summary: 'End a live meeting (processing starts)',
    auth: true,
    schemas: byId,
    handler: async (ctx) => {
      const room = await meeting(ctx);
      requireHost(room, currentUser(ctx), 'end this meeting');
      const status = await asHttp(() => handleOf(room.id).executeUpdate(endMeetingUpdate));
      await auditRequest(ctx, deps.orm.em, { action: 'meeting.end', target: { type: 'meeting', id: room.id } });
      ctx.body = { status };
    },
  });

  routes.add({
    method: 'get',
    path: '/meetings/{id}/join',
    summary: 'A token to join the video room (LiveKit), with the URL to connect to; the host gets admin and recording rights',
    auth: true,
    schemas: byId,
    handler: async (ctx) => {
      ctx.body = await joinRoom(deps.video, await meeting(ctx), currentUser(ctx));
    },
  });

  routes.add({
    method: 'get',
    path: '/meetings/{id}/participants',
    summary: 'Who was invited, joined and for how long',
    auth: true,
    schemas: byId,
    handler: async (ctx) => {
      const room = await meeting(ctx);
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
    handler: async (ctx) => {
      const room = await meeting(ctx);
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
    handler: async (ctx) => {
      const room = await meeting(ctx);
      const { query } = inputOf(ctx, transcriptPage);
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
    handler: async (ctx) => {
      const room = await meeting(ctx);
      const { query } = inputOf(ctx, summaryQuery);
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
    handler: async (ctx) => {
      const room = await meeting(ctx);
      const em = deps.orm.em;
      const summary = await latestSummary(em, room.id);
      const items = summary ? await em.find(ActionItem, { summary: summary.id }, { populate: ['assignedTo', 'room'], orderBy: { position: 'asc' } }) : [];
      ctx.body = { actionItems: items.map(actionItemView) };
    },
  });

  routes.add({
    method: 'get',
    path: '/meetings/{id}/reports/me',
    summary: 'My participant report for this meeting',
    auth: true,
    schemas: byId,
    handler: async (ctx) => {
      const room = await meeting(ctx);
      const reports = await latestReports(room.id);
      const mine = reports.find((report) => report.participant.user.id === currentUser(ctx).id);
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
    handler: async (ctx) => {
      const room = await meeting(ctx);
      requireHost(room, currentUser(ctx), "see everyone's reports (GET /meetings/{id}/reports/me shows yours)");
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
  const resolved: { email: string; name?: string; userId?: string }[] = [];
  for (const invitee of invitees) {
    if ('userId' in invitee) {
      const user = await em.findOne(User, invitee.userId);
      if (!user) throw new HttpError(422, 'invalid_request', `body.invitees: no user ${invitee.userId}`);
      resolved.push({ email: user.email, name: user.name, userId: user.id });
    } else resolved.push(invitee);
  }
  return resolved;
}

