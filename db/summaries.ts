import type { EntityManager } from '@mikro-orm/postgresql';
import { MeetingSummary, type MeetingSummaryEntity } from './entities';

/** A meeting's current summary: the highest version (or the one asked for), the newest transcript's on a tie. */
export function latestSummary(em: EntityManager, roomId: string, version?: number): Promise<MeetingSummaryEntity | null> {
  return em.findOne(MeetingSummary, { room: roomId, ...(version ? { version } : {}) }, { orderBy: { version: 'desc', createdAt: 'desc' } });
}
