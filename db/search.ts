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
 * How many of the newest matching transcripts are ranked. Ranking reads each candidate's whole vector, so ranking
 * every match made a common word cost as much as the table (715 ms for a word in 96% of 100k transcripts, issue 16);
 * the newest few hundred keep the cost flat, and a query that matches fewer is ranked whole.
 */
export const SEARCH_CANDIDATES = 200;

/**
 * Full-text search over the transcripts of the meetings a user may see, best first, with highlighted snippets.
 * websearch_to_tsquery accepts what people type ("budget -print", "\"marketing plan\"") without syntax errors.
 * The GIN index on search_vector (title weighted A, talk B) finds the matches; of those, the newest
 * SEARCH_CANDIDATES are ranked (the planner walks transcripts newest first when a word is common, takes the
 * index's few matches when it is rare), only the best `limit` are kept inside the ranked CTE, and only they get
 * ts_headline's snippet (<mark>).
 */
export function searchTranscripts(em: EntityManager, user: UserEntity, text: string, limit: number): Promise<TranscriptHit[]> {
  const visible = visibleRoomCondition(user);
  return em.getConnection().execute<TranscriptHit[]>(
    `with q as (select websearch_to_tsquery('english', ?) as query),
     candidates as (
       select t.id, t.room_id, t.created_at, t.search_vector
       from transcripts t join rooms r on r.id = t.room_id, q
       where t.search_vector @@ q.query and ${visible.sql}
       order by t.created_at desc, t.id desc
       limit ${SEARCH_CANDIDATES}),
     ranked as (
       select c.id, c.room_id, c.created_at, ts_rank_cd(c.search_vector, q.query) as rank
       from candidates c, q
       order by rank desc, c.created_at desc, c.id desc
       limit ?)
     select r.id as meeting_id, r.name as title, r.scheduled_start_time as start, t.id as transcript_id, ranked.rank,
            ts_headline('english', t.text, q.query, 'StartSel=<mark>, StopSel=</mark>, MaxFragments=2, MaxWords=25, MinWords=8, FragmentDelimiter=" … "') as snippet
     from ranked join transcripts t on t.id = ranked.id join rooms r on r.id = ranked.room_id, q
     order by ranked.rank desc, ranked.created_at desc, ranked.id desc`,
    [text, ...visible.params, limit],
  );
}
