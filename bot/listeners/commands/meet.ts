import type { AllMiddlewareArgs, RespondFn, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { MeetingsClient } from '../../../clients/meetings';
import { askMeetings } from '../../../commands/ask';
import { cancelMeeting, createMeeting, rescheduleMeeting } from '../../../commands/meetings';
import { audit } from '../../../commands/types';
import { ActionItem, User, type UserEntity } from '../../../db/entities';
import { createPasswordLink, PASSWORD_LINK_TTL_MINUTES } from '../../../db/sessions';
import { latestSummary, PUBLISHED_SUMMARY } from '../../../db/summaries';
import { slackActor } from '../../actor';
import { errorText, HELP_TEXT, scheduledBlocks } from '../../blocks/replies';
import { commandDeps, type BotDeps } from '../../deps';
import { ephemeral, replyForError, UserFacingError } from '../../errors';
import { findMeeting, myMeetings, shortId } from '../../meetings';
import { parseScheduleCommand } from '../../parse-schedule';
import { parseSeriesCommand } from '../../parse-series';
import { scheduleSeries, seriesCommand } from './series';
import { firstDelivery } from '../../replay';
import { afterAck } from '../../work-slots';
import { DEFAULT_TIME, formatInZone, parseWhen } from '../../time';
import { mentionedSlackUser, slackUser, timeZoneOf } from '../../users';

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;
type BotEm = ReturnType<BotDeps['orm']['em']['fork']>;

interface Request {
  deps: BotDeps;
  em: BotEm;
  me: UserEntity;
  client: CommandArgs['client'];
  respond: RespondFn;
  /** What follows the subcommand, as typed. */
  args: string;
  /** The same, split on spaces. */
  words: string[];
}

const SUBCOMMANDS: Record<string, (request: Request) => Promise<unknown>> = {
  help: ({ respond }) => ephemeral(respond, HELP_TEXT),
  schedule: schedule,
  list: list,
  status: status,
  cancel: cancel,
  reschedule: reschedule,
  summary: summary,
  tasks: tasks,
  link: passwordLink,
  ask: askQuestion,
  series: seriesCommand,
};

/**
 * `/meet …`: acknowledged first (Slack's 3 seconds; nothing before the ack touches the database or Temporal),
 * then answered with respond(). A replay of a command already handled does nothing.
 */
export function meetCommand(deps: BotDeps) {
  return async ({ ack, command, body, context, respond, client }: CommandArgs): Promise<void> => {
    await ack();
    const [sub = 'help', ...words] = command.text.trim().split(/\s+/);
    const handler = SUBCOMMANDS[sub.toLowerCase()];
    await afterAck(deps, async () => {
      try {
        if (!(await firstDelivery(deps, body, context))) return;
        if (!handler) {
          await ephemeral(respond, errorText(`I don't know \`/meet ${sub}\`.`) + `\n\n${HELP_TEXT}`);
          return;
        }
        const em = deps.orm.em.fork();
        const me = await slackUser(em, client, command.user_id);
        await handler({ deps, em, me, client, respond, args: command.text.trim().slice(sub.length).trim(), words: words.filter(Boolean) });
      } catch (error) {
        await ephemeral(respond, replyForError(error, deps.log, { command: command.text }));
      }
    });
  };
}

async function schedule({ deps, em, me, client, respond, args }: Request) {
  const timeZone = timeZoneOf(me);
  const series = parseSeriesCommand(args, new Date(), timeZone);
  const request = series ?? parseScheduleCommand(args, new Date(), timeZone);
  const groupMembers = (await Promise.all(request.userGroupIds.map(async (usergroup) => (await client.usergroups.users.list({ usergroup })).users ?? []))).flat();
  const mentioned = await Promise.all([...new Set([...request.slackUserIds, ...groupMembers])].map((id) => mentionedSlackUser(em, client, id)));
  const others = mentioned.filter((user) => user.id !== me.id);
  const invitees = [...others.map((user) => ({ email: user.email, name: user.name, userId: user.id })), ...request.emails.map((email) => ({ email }))];
  if (series) return scheduleSeries({ deps, em, me, respond }, series, invitees, [...others.map((u) => u.name), ...request.emails]);
  const { room } = await createMeeting(commandDeps(deps, em), slackActor(me), { title: request.title, start: request.start, durationMinutes: request.durationMinutes, invitees, tags: request.tags });
  const when = formatInZone(request.start, timeZone);
  const note = request.timeDefaulted ? `No time was given, so it is at ${DEFAULT_TIME.text}.` : undefined;
  await ephemeral(respond, `Scheduled "${room.name}" for ${when}${note ? `. ${note}` : ''}`, scheduledBlocks({ title: room.name, when, whenTyped: request.whenText, note, invitees: [...others.map((u) => u.name), ...request.emails], shortId: shortId(room), roomId: room.id }));
}

async function list({ em, me, respond }: Request) {
  const rooms = await myMeetings(em, me, { upcoming: true });
  if (rooms.length === 0) return ephemeral(respond, 'You have no upcoming meetings. Schedule one with `/meet schedule …`');
  const lines = rooms.map((room) => `• \`${shortId(room)}\` *${room.name}*: ${room.scheduledStartTime ? formatInZone(room.scheduledStartTime, timeZoneOf(me)) : 'no time'} (${room.status})`);
  return ephemeral(respond, `Your upcoming meetings:\n${lines.join('\n')}`);
}

async function status({ deps, em, me, respond, args }: Request) {
  const room = await findMeeting(em, me, args);
  const live = await new MeetingsClient(deps.temporal).status(room.id).catch(() => undefined);
  const lines = [
    `*${room.name}* (\`${shortId(room)}\`): *${live?.phase ?? room.status}*`,
    room.scheduledStartTime ? `Starts ${formatInZone(room.scheduledStartTime, timeZoneOf(me))}` : '',
    live ? `${live.invitations.filter((i) => i.status === 'accepted').length} of ${live.invitations.length} accepted · ${live.participants.filter((p) => p.present).length} in the room · ${live.recordings.length} recording(s)` : '',
    live?.outcome ?? '',
    live?.lastError ? `Problem: ${live.lastError}` : '',
  ];
  return ephemeral(respond, lines.filter(Boolean).join('\n'));
}

async function cancel({ deps, em, me, respond, words }: Request) {
  const room = await findMeeting(em, me, words[0] ?? '');
  const reason = words.slice(1).join(' ');
  await cancelMeeting(commandDeps(deps, em), slackActor(me), room, reason);
  return ephemeral(respond, `Cancelled "${room.name}"${reason ? ` (${reason})` : ''}; everyone invited is told.`);
}

async function reschedule({ deps, em, me, respond, words }: Request) {
  const room = await findMeeting(em, me, words[0] ?? '');
  const whenText = words.slice(1).join(' ');
  const when = parseWhen(whenText, new Date(), timeZoneOf(me));
  if (!when) throw new UserFacingError(`I could not find a new time in "${whenText}": try \`/meet reschedule ${shortId(room)} tomorrow 3pm\``);
  await rescheduleMeeting(commandDeps(deps, em), slackActor(me), room, when.start);
  return ephemeral(respond, `Moved "${room.name}" to ${formatInZone(when.start, timeZoneOf(me))}; updated invites are on their way.`);
}

async function summary({ em, me, respond, args }: Request) {
  const room = await findMeeting(em, me, args);
  const found = await latestSummary(em, room.id);
  if (!found) throw new UserFacingError(`"${room.name}" has no summary yet (it is ${room.status})`);
  await audit(em, slackActor(me), { action: 'summary.read', target: { type: 'summary', id: found.id }, details: { meetingId: room.id, version: found.version } });
  const decisions = found.decisions.length ? `\n*Decisions*\n${found.decisions.map((d) => `• ${d.text}`).join('\n')}` : '';
  return ephemeral(respond, `*${room.name}*\n${found.executiveSummary}${decisions}`);
}

async function askQuestion({ deps, em, me, respond, args }: Request) {
  if (args.trim().length < 3) throw new UserFacingError('Ask a question after `/meet ask`, like `/meet ask what did we decide about the budget?`');
  const onAnswererError = (error: unknown) => deps.log.warn({ err: error }, 'the answerer failed: the quoted lines were given instead');
  const { answer } = await askMeetings({ em, answerer: deps.answerer, onAnswererError }, slackActor(me), args, deps.cfg.PUBLIC_URL);
  return ephemeral(respond, answer);
}

async function tasks({ em, me, respond }: Request) {
  const items = await em.find(ActionItem, { assignedTo: me.id, status: { $in: ['open', 'in_progress'] }, summary: PUBLISHED_SUMMARY }, { populate: ['room'], orderBy: { dueDate: 'asc' } });
  if (items.length === 0) return ephemeral(respond, 'You have no open action items. :tada:');
  return ephemeral(respond, `Your open action items:\n${items.map((item) => `• ${item.title} (_${item.room.name}_${item.dueDate ? `, due ${item.dueDate}` : ''})`).join('\n')}`);
}

async function passwordLink({ deps, em, me, respond }: Request) {
  const token = await createPasswordLink(em, await em.findOneOrFail(User, me.id));
  const url = `${deps.cfg.PUBLIC_URL}/auth/password?token=${token}`;
  return ephemeral(respond, `Set a password for the Meetflow API (your email is ${me.email}): <${url}|open this link>. It works once, for ${PASSWORD_LINK_TTL_MINUTES} minutes, and only you can see it.`);
}
