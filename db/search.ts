import type { EntityManager } from '@mikro-orm/postgresql';
import type { UserEntity } from './entities';
import { transcriptScope } from './visibility';

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
 * websearch_to_tsquery accepts what people type ("budget -print", "\"marketing plan\"") without syntax errors; it is
 * written out where it is used (not a CTE) so the planner folds it to a constant and estimates from the column's
 * statistics how many transcripts match: for a common word it walks transcripts newest first and stops at
 * SEARCH_CANDIDATES matches, for a rare one it takes the GIN index's few matches on search_vector (title weighted A,
 * talk B). Only those candidates are ranked, only the best `limit` are kept inside the ranked CTE, and only they get
 * ts_headline's snippet (<mark>). Visibility is transcriptScope's: its form follows how many meetings the user sees.
 */
export async function searchTranscripts(em: EntityManager, user: UserEntity, text: string, limit: number): Promise<TranscriptHit[]> {
  const scope = await transcriptScope(em, user, SEARCH_CANDIDATES);
  if (!scope) return [];
  const query = `websearch_to_tsquery('english', ?)`;
  return em.execute<TranscriptHit[]>(
    `with candidates as (
       select t.id, t.room_id, t.created_at, t.search_vector
       from transcripts t
       where t.search_vector @@ ${query} ${scope.sql}
       order by t.created_at desc
       limit ${SEARCH_CANDIDATES}),
     ranked as (
       select c.id, c.room_id, c.created_at, ts_rank_cd(c.search_vector, ${query}) as rank
       from candidates c
       order by rank desc, c.created_at desc, c.id desc
       limit ?)
     select r.id as meeting_id, r.name as title, r.scheduled_start_time as start, t.id as transcript_id, ranked.rank,
            ts_headline('english', t.text, ${query}, 'StartSel=<mark>, StopSel=</mark>, MaxFragments=2, MaxWords=25, MinWords=8, FragmentDelimiter=" … "') as snippet
     from ranked join transcripts t on t.id = ranked.id join rooms r on r.id = ranked.room_id
     order by ranked.rank desc, ranked.created_at desc, ranked.id desc`,
    [text, ...scope.params, text, limit, text],
  );
}
