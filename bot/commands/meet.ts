import type { AllMiddlewareArgs, RespondFn, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { scheduleMeeting } from '../../clients/meetings';
import { ActionItem, User, type UserEntity } from '../../db/entities';
import { latestSummary } from '../../db/summaries';
import { createPasswordLink, PASSWORD_LINK_TTL_MINUTES } from '../../db/sessions';
import { meetingWorkflowId } from '../../workflows/ids';
import { cancelUpdate, rescheduleUpdate, statusQuery } from '../../workflows/messages';
import type { BotDeps } from '../app';
import { auditSlack } from '../audit';
import { errorText, HELP_TEXT, scheduledBlocks } from '../blocks/replies';
import { findMeeting, MeetingLookupError, myMeetings, shortId } from '../meetings';
import { parseScheduleCommand, SCHEDULE_FORM, ScheduleParseError } from '../parse-schedule';
import { formatInZone, parseWhen } from '../time';
import { slackUser, timeZoneOf } from '../users';

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** A problem the person can fix: told to them, ephemerally, never thrown into the logs. */
export class UserFacingError extends Error {}

const ephemeral = (respond: RespondFn, text: string, blocks?: unknown[]) => respond({ response_type: 'ephemeral', text, ...(blocks ? { blocks: blocks as never } : {}) });

/** `/meet …`: acknowledged first (Slack's 3 seconds), then answered with respond(). */
export function meetCommand(deps: BotDeps) {
  return async ({ ack, command, respond, client }: CommandArgs): Promise<void> => {
    await ack();
    const [sub = 'help', ...rest] = command.text.trim().split(/\s+/);
    const args = command.text.trim().slice(sub.length).trim();
    try {
      const em = deps.orm.em.fork();
      const me = await slackUser(em, client, command.user_id);
      const handlers: Record<string, () => Promise<unknown>> = {
        help: () => ephemeral(respond, HELP_TEXT),
        schedule: () => schedule(deps, em, client, me, args, respond),
        list: () => list(em, me, respond),
        status: () => status(deps, em, me, args, respond),
        cancel: () => cancel(deps, em, me, rest[0] ?? '', rest.slice(1).join(' '), respond),
        reschedule: () => reschedule(deps, em, me, rest[0] ?? '', rest.slice(1).join(' '), respond),
        summary: () => summary(em, me, args, respond),
        tasks: () => tasks(em, me, respond),
        link: () => passwordLink(deps, em, me, respond),
      };
      const handler = handlers[sub.toLowerCase()];
      if (!handler) {
        await ephemeral(respond, errorText(`I don't know \`/meet ${sub}\`.`) + `\n\n${HELP_TEXT}`);
        return;
      }
      await handler();
    } catch (error) {
      if (error instanceof UserFacingError || error instanceof ScheduleParseError || error instanceof MeetingLookupError) {
        await ephemeral(respond, errorText(error.message, error instanceof ScheduleParseError ? SCHEDULE_FORM : undefined));
        return;
      }
      deps.log.error({ err: error, command: command.text }, 'slash command failed');
      await ephemeral(respond, errorText('Something went wrong on our side; it has been logged. Try again in a moment.'));
    }
  };
}

async function schedule(deps: BotDeps, em: BotEm, client: CommandArgs['client'], me: UserEntity, text: string, respond: RespondFn) {
  const timeZone = timeZoneOf(me);
  const request = parseScheduleCommand(text, new Date(), timeZone);
  const groupMembers = (await Promise.all(request.userGroupIds.map(async (usergroup) => (await client.usergroups.users.list({ usergroup })).users ?? []))).flat();
  const mentioned = await Promise.all([...new Set([...request.slackUserIds, ...groupMembers])].map((id) => slackUser(em, client, id)));
  const invitees = [...mentioned.filter((user) => user.id !== me.id).map((user) => ({ email: user.email, name: user.name, userId: user.id })), ...request.emails.map((email) => ({ email }))];
  const { room } = await scheduleMeeting(
    { em, temporal: deps.temporal, cfg: deps.cfg },
    { host: await em.findOneOrFail(User, me.id), title: request.title, start: request.start, durationMinutes: request.durationMinutes, invitees, tags: request.tags },
  );
  await auditSlack(em, me, 'meeting.create', { type: 'meeting', id: room.id }, { title: room.name, start: request.start.toISOString(), invitees: invitees.length });
  const when = formatInZone(request.start, timeZone);
  await ephemeral(respond, `Scheduled "${room.name}" for ${when}`, scheduledBlocks({ title: room.name, when, whenTyped: request.whenText, invitees: [...mentioned.filter((u) => u.id !== me.id).map((u) => u.name), ...request.emails], shortId: shortId(room), roomId: room.id }));
}

async function list(em: BotEm, me: UserEntity, respond: RespondFn) {
  const rooms = await myMeetings(em, me, { upcoming: true });
  if (rooms.length === 0) return ephemeral(respond, 'You have no upcoming meetings. Schedule one with `/meet schedule …`');
  const lines = rooms.map((room) => `• \`${shortId(room)}\` *${room.name}*: ${room.scheduledStartTime ? formatInZone(room.scheduledStartTime, timeZoneOf(me)) : 'no time'} (${room.status})`);
  return ephemeral(respond, `Your upcoming meetings:\n${lines.join('\n')}`);
}

async function status(deps: BotDeps, em: BotEm, me: UserEntity, reference: string, respond: RespondFn) {
  const room = await findMeeting(em, me, reference);
  const live = await deps.temporal.workflow
    .getHandle(meetingWorkflowId(room.id))
    .query(statusQuery)
    .catch(() => undefined);
  const lines = [
    `*${room.name}* (\`${shortId(room)}\`): *${live?.phase ?? room.status}*`,
    room.scheduledStartTime ? `Starts ${formatInZone(room.scheduledStartTime, timeZoneOf(me))}` : '',
    live ? `${live.invitations.filter((i) => i.status === 'accepted').length} of ${live.invitations.length} accepted · ${live.participants.filter((p) => p.present).length} in the room · ${live.recordings.length} recording(s)` : '',
    live?.outcome ?? '',
    live?.lastError ? `Problem: ${live.lastError}` : '',
  ];
  return ephemeral(respond, lines.filter(Boolean).join('\n'));
}

async function cancel(deps: BotDeps, em: BotEm, me: UserEntity, reference: string, reason: string, respond: RespondFn) {
  const room = await findMeeting(em, me, reference);
  if (room.host.id !== me.id) throw new UserFacingError(`only the host (${room.host.name}) can cancel "${room.name}"`);
  await runUpdate(() => deps.temporal.workflow.getHandle(meetingWorkflowId(room.id)).executeUpdate(cancelUpdate, { args: [reason] }));
  await auditSlack(em, me, 'meeting.cancel', { type: 'meeting', id: room.id }, { reason });
  return ephemeral(respond, `Cancelled "${room.name}"${reason ? ` (${reason})` : ''}; everyone invited is told.`);
}

async function reschedule(deps: BotDeps, em: BotEm, me: UserEntity, reference: string, whenText: string, respond: RespondFn) {
  const room = await findMeeting(em, me, reference);
  if (room.host.id !== me.id) throw new UserFacingError(`only the host (${room.host.name}) can reschedule "${room.name}"`);
  const when = parseWhen(whenText, new Date(), timeZoneOf(me));
  if (!when) throw new UserFacingError(`I could not find a new time in "${whenText}": try \`/meet reschedule ${shortId(room)} tomorrow 3pm\``);
  await runUpdate(() => deps.temporal.workflow.getHandle(meetingWorkflowId(room.id)).executeUpdate(rescheduleUpdate, { args: [when.start.toISOString()] }));
  await auditSlack(em, me, 'meeting.reschedule', { type: 'meeting', id: room.id }, { from: room.scheduledStartTime?.toISOString() ?? null, to: when.start.toISOString() });
  return ephemeral(respond, `Moved "${room.name}" to ${formatInZone(when.start, timeZoneOf(me))}; updated invites are on their way.`);
}

async function summary(em: BotEm, me: UserEntity, reference: string, respond: RespondFn) {
  const room = await findMeeting(em, me, reference);
  const found = await latestSummary(em, room.id);
  if (!found) throw new UserFacingError(`"${room.name}" has no summary yet (it is ${room.status})`);
  await auditSlack(em, me, 'summary.read', { type: 'summary', id: found.id }, { meetingId: room.id, version: found.version });
  const decisions = found.decisions.length ? `\n*Decisions*\n${found.decisions.map((d) => `• ${d.text}`).join('\n')}` : '';
  return ephemeral(respond, `*${room.name}*\n${found.executiveSummary}${decisions}`);
}

async function tasks(em: BotEm, me: UserEntity, respond: RespondFn) {
  const items = await em.find(ActionItem, { assignedTo: me.id, status: { $in: ['open', 'in_progress'] } }, { populate: ['room'], orderBy: { dueDate: 'asc' } });
  if (items.length === 0) return ephemeral(respond, 'You have no open action items. :tada:');
  return ephemeral(respond, `Your open action items:\n${items.map((item) => `• ${item.title} (_${item.room.name}_${item.dueDate ? `, due ${item.dueDate}` : ''})`).join('\n')}`);
}

async function passwordLink(deps: BotDeps, em: BotEm, me: UserEntity, respond: RespondFn) {
  const token = await createPasswordLink(em, await em.findOneOrFail(User, me.id));
  const url = `${deps.cfg.PUBLIC_URL}/auth/password?token=${token}`;
  return ephemeral(respond, `Set a password for the Meetflow API (your email is ${me.email}): <${url}|open this link>. It works once, for ${PASSWORD_LINK_TTL_MINUTES} minutes, and only you can see it.`);
}

/** A workflow's refusal (a start in the past, too late to cancel) is told to the person as it is. */
export async function runUpdate<T>(update: () => Promise<T>): Promise<T> {
  try {
    return await update();
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) throw new UserFacingError((error.cause as Error | undefined)?.message ?? 'the meeting refused that');
    if (error instanceof WorkflowNotFoundError) throw new UserFacingError('that meeting is over');
    throw error;
  }
}

type BotEm = ReturnType<BotDeps['orm']['em']['fork']>;
