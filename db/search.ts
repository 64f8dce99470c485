import type { EntityManager } from '@mikro-orm/postgresql';
import type { UserEntity } from './entities';
import { visibleRoomCondition } from './visibility';

export interface TranscriptHit {
  meeting_id: string;
  title: string;
  start: Date | null;
  transcript_id: string;
  rank: number;
  snippet: string;
}

/**
 * Full-text search over the transcripts of the meetings a user may see, best first, with highlighted snippets.
 * websearch_to_tsquery accepts what people type ("budget -print", "\"marketing plan\"") without syntax errors;
 * the GIN index on search_vector answers the @@, ts_headline marks the hits with <mark>.
 */
export function searchTranscripts(em: EntityManager, user: UserEntity, text: string, limit: number): Promise<TranscriptHit[]> {
  const visible = visibleRoomCondition(user);
  return em.getConnection().execute<TranscriptHit[]>(
    `with q as (select websearch_to_tsquery('english', ?) as query)
     select r.id as meeting_id, r.name as title, r.scheduled_start_time as start, t.id as transcript_id,
            ts_rank_cd(t.search_vector, q.query) as rank,
            ts_headline('english', t.text, q.query, 'StartSel=<mark>, StopSel=</mark>, MaxFragments=2, MaxWords=25, MinWords=8, FragmentDelimiter=" … "') as snippet
     from transcripts t join rooms r on r.id = t.room_id, q
     where t.search_vector @@ q.query and ${visible.sql}
     order by rank desc, r.scheduled_start_time desc nulls last
     limit ?`,
    [text, ...visible.params, limit],
  );
}
