import type { EntityManager } from '@mikro-orm/postgresql';
import { ActionItem, type ActionItemEntity, type RoomEntity, type Person } from './entities';
import type { Decision } from './entities/meeting-summary';
import { latestSummary, PUBLISHED_SUMMARY } from './summaries';
import { visibleRoomCondition } from './visibility';

/** What to know before a meeting, from the earlier meetings of the same people. */
export interface MeetingBrief {
  /** Earlier meetings this one follows (newest first): a series' occurrences, or meetings of the same people. */
  earlier: { id: string; title: string; start: string | null }[];
  /** Still open from those meetings, with their owners. */
  openItems: ActionItemEntity[];
  /** What the last of them decided. */
  lastDecisions: Decision[];
  /** Topics of the last one that none of its decisions speaks to. */
  openTopics: string[];
}

const EARLIER_MEETINGS = 5;

/**
 * The brief of a meeting for one reader. Earlier meetings are completed ones before it with the same title and host
 * (a series) or with two or more of its people; only those the reader may see count, so a newcomer learns nothing
 * of meetings they were not part of.
 */
export async function meetingBrief(em: EntityManager, room: RoomEntity, reader: Person): Promise<MeetingBrief> {
  const visible = visibleRoomCondition(reader);
  const start = room.scheduledStartTime ?? room.createdAt;
  const earlier = await em.execute<{ id: string; title: string; start: Date | null }[]>(
    `select r.id, r.name as title, coalesce(r.started_at, r.scheduled_start_time) as start
     from rooms r
     where r.id <> ? and r.status = 'completed' and coalesce(r.started_at, r.scheduled_start_time) < ? and ${visible.sql}
       and ((r.name = ? and r.host_id = ?)
            or (select count(*) from participants p where p.room_id = r.id and p.user_id in (select q.user_id from participants q where q.room_id = ?)) >= 2)
     order by coalesce(r.started_at, r.scheduled_start_time) desc
     limit ${EARLIER_MEETINGS}`,
    [room.id, start, ...visible.params, room.name, room.host.id, room.id],
  );
  if (!earlier.length) return { earlier: [], openItems: [], lastDecisions: [], openTopics: [] };
  const openItems = await em.find(
    ActionItem,
    { room: { $in: earlier.map((meeting) => meeting.id) }, status: { $in: ['open', 'in_progress'] }, summary: PUBLISHED_SUMMARY },
    { populate: ['assignedTo', 'room'], orderBy: { dueDate: 'asc', createdAt: 'asc' } },
  );
  const last = await latestSummary(em, earlier[0].id);
  const decided = (last?.decisions ?? []).map((decision) => decision.text.toLowerCase()).join(' ');
  const openTopics = (last?.topics ?? []).filter((topic) => !topic.keywords.some((word) => decided.includes(word.toLowerCase()))).map((topic) => topic.title);
  return {
    earlier: earlier.map((meeting) => ({ id: meeting.id, title: meeting.title, start: meeting.start ? new Date(meeting.start).toISOString() : null })),
    openItems,
    lastDecisions: last?.decisions ?? [],
    openTopics,
  };
}

/** The brief as text, for a message (empty when there is nothing to tell). */
export function briefText(brief: MeetingBrief): string {
  if (!brief.earlier.length) return '';
  const last = brief.earlier[0];
  const lines = [`Before you start (from ${brief.earlier.length === 1 ? `"${last.title}"` : `${brief.earlier.length} earlier meetings`}):`];
  if (brief.openItems.length) lines.push(`Still open:\n${brief.openItems.map((item) => `• ${item.title} (${item.assignedTo?.name ?? 'unassigned'}${item.dueDate ? `, due ${item.dueDate}` : ''})`).join('\n')}`);
  if (brief.lastDecisions.length) lines.push(`Decided last time:\n${brief.lastDecisions.map((decision) => `• ${decision.text}`).join('\n')}`);
  if (brief.openTopics.length) lines.push(`Discussed without a decision: ${brief.openTopics.join('; ')}`);
  return lines.length > 1 ? lines.join('\n') : '';
}
