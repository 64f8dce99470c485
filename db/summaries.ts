import type { EntityManager } from '@mikro-orm/postgresql';
import { MeetingSummary, type MeetingSummaryEntity } from './entities';

/**
 * Summaries people may read: those of meetings that do not ask for approval, and approved or released ones. A
 * draft awaiting its host (or discarded by them) is read through GET /meetings/{id}/recap, by the host only.
 */
export const PUBLISHED_SUMMARY: { $or: ({ approvalState: null } | { approvalState: { $in: ('approved' | 'released')[] } })[] } = { $or: [{ approvalState: null }, { approvalState: { $in: ['approved', 'released'] } }] };

/** A meeting's current summary: the highest published version (or the one asked for), the newest transcript's on a tie. */
export function latestSummary(em: EntityManager, roomId: string, version?: number): Promise<MeetingSummaryEntity | null> {
  return em.findOne(MeetingSummary, { room: roomId, ...PUBLISHED_SUMMARY, ...(version ? { version } : {}) }, { orderBy: { version: 'desc', createdAt: 'desc' } });
}
