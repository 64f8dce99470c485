import type { EntityManager } from '@mikro-orm/postgresql';
import type { RespondFn } from '@slack/bolt';
import { isoDateIn, wallTimeOf } from '../../../clients/zone-time';
import { cancelSeries, createSeries, findVisibleSeries, mySeries, type SeriesDetail, skipOccurrence } from '../../../commands/series';
import { UUID } from '../../../commands/meetings';
import type { UserEntity } from '../../../db/entities';
import type { Invitee } from '../../../workflows/messages';
import { slackActor } from '../../actor';
import { commandDeps, type BotDeps } from '../../deps';
import { ephemeral, UserFacingError } from '../../errors';
import type { SeriesCommand } from '../../parse-series';
import { DEFAULT_TIME, formatInZone, parseWhen } from '../../time';
import { timeZoneOf } from '../../users';

interface SeriesRequest {
  deps: BotDeps;
  em: EntityManager;
  me: UserEntity;
  respond: RespondFn;
  words: string[];
}

export const SERIES_HELP = '`/meet series`: your recurring series · `/meet series <id>` · `/meet series skip <id> <date>` · `/meet series cancel <id>`';
export const shortSeriesId = (detail: SeriesDetail) => detail.id.slice(0, 8);

const timeOfDay = (detail: SeriesDetail) => {
  const wall = wallTimeOf(new Date(detail.series.firstStart ?? Date.now()), detail.series.timeZone ?? 'UTC');
  return `${String(wall.hour).padStart(2, '0')}:${String(wall.minute).padStart(2, '0')}`;
};

function summaryLines(detail: SeriesDetail, timeZone: string, count = 5): string[] {
  const next = detail.nextOccurrences.slice(0, count).map((date) => formatInZone(date, timeZone));
  return [
    `*${detail.series.title}* (\`${shortSeriesId(detail)}\`): ${detail.description} at ${timeOfDay(detail)} (${detail.series.timeZone}), ${detail.series.durationMinutes} min · ${detail.status}`,
    next.length ? `Next: ${next.join(' · ')}` : 'No occurrences to come.',
    detail.series.skipped?.length ? `Skipped: ${detail.series.skipped.join(', ')}` : '',
  ].filter(Boolean);
}

/** `/meet schedule … every …`: the same series command as POST /meetings with a recurrence. */
export async function scheduleSeries({ deps, em, me, respond }: Omit<SeriesRequest, 'words'>, request: SeriesCommand, invitees: Invitee[], names: string[]) {
  const timeZone = timeZoneOf(me);
  const detail = await createSeries(commandDeps(deps, em), slackActor(me), { title: request.title, start: request.start, timeZone, durationMinutes: request.durationMinutes, invitees, rule: request.rule });
  const lines = [
    `:repeat: Scheduled the series ${summaryLines(detail, timeZone)[0]}`,
    request.timeDefaulted ? `No time was given, so it is at ${DEFAULT_TIME.text}: \`/meet series\` shows it, and the API (PATCH /series/{id}) changes it.` : '',
    ...summaryLines(detail, timeZone).slice(1),
    names.length ? `Invited to each: ${names.join(', ')} (invites go out a day ahead)` : 'Nobody else is invited.',
    `\`/meet series skip ${shortSeriesId(detail)} <date>\` skips one, \`/meet series cancel ${shortSeriesId(detail)}\` stops it.`,
  ];
  return ephemeral(respond, lines.filter(Boolean).join('\n'));
}

/** `/meet series [<id> | skip <id> <date> | cancel <id>]`. */
export async function seriesCommand(request: SeriesRequest) {
  const [first, ...rest] = request.words;
  if (!first) return listSeries(request);
  if (first.toLowerCase() === 'cancel') return cancel(request, rest[0]);
  if (first.toLowerCase() === 'skip') return skip(request, rest[0], rest.slice(1).join(' '));
  const detail = await findSeries(request, first);
  return ephemeral(request.respond, summaryLines(detail, timeZoneOf(request.me), 10).join('\n'));
}

async function listSeries({ deps, em, me, respond }: SeriesRequest) {
  const found = (await mySeries(commandDeps(deps, em), slackActor(me))).filter((detail) => detail.status === 'active');
  if (!found.length) return ephemeral(respond, 'You host no recurring series. Start one with `/meet schedule Standup every weekday 9:15 with @team`');
  return ephemeral(respond, `Your recurring series:\n${found.map((detail) => `• ${summaryLines(detail, timeZoneOf(me), 1).join(' · ')}`).join('\n')}\n${SERIES_HELP}`);
}

/** A series by its id or the short id the replies show (among the series one hosts). */
async function findSeries({ deps, em, me }: SeriesRequest, reference: string | undefined): Promise<SeriesDetail> {
  if (!reference) throw new UserFacingError(`Which series? ${SERIES_HELP}`);
  if (UUID.test(reference)) return findVisibleSeries(commandDeps(deps, em), slackActor(me), reference);
  const matches = (await mySeries(commandDeps(deps, em), slackActor(me))).filter((detail) => detail.id.startsWith(reference.toLowerCase()));
  if (matches.length !== 1) throw new UserFacingError(matches.length ? `"${reference}" matches ${matches.length} series: use more of the id` : `No series \`${reference}\` among yours: \`/meet series\` lists them`);
  return matches[0];
}

async function cancel(request: SeriesRequest, reference: string | undefined) {
  const detail = await cancelSeries(commandDeps(request.deps, request.em), slackActor(request.me), await findSeries(request, reference));
  return ephemeral(request.respond, `Cancelled the series "${detail.series.title}": no more occurrences${detail.occurrences.length ? ', and its meetings still to come are cancelled (everyone invited is told)' : ''}.`);
}

async function skip(request: SeriesRequest, reference: string | undefined, dateText: string) {
  const detail = await findSeries(request, reference);
  const timeZone = detail.series.timeZone ?? 'UTC';
  const date = /^\d{4}-\d{2}-\d{2}$/.test(dateText) ? dateText : parseDate(dateText, timeZone);
  const after = await skipOccurrence(commandDeps(request.deps, request.em), slackActor(request.me), detail, date);
  return ephemeral(request.respond, [`Skipped ${date} of "${after.series.title}".`, ...summaryLines(after, timeZoneOf(request.me)).slice(1)].join('\n'));
}

function parseDate(text: string, timeZone: string): string {
  const when = text ? parseWhen(text, new Date(), timeZone) : undefined;
  if (!when) throw new UserFacingError(`Which date? Write it like \`/meet series skip <id> 2027-01-04\` or \`… next Monday\` (not "${text}")`);
  return isoDateIn(when.start, timeZone);
}
