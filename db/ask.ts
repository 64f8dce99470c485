import type { EntityManager } from '@mikro-orm/postgresql';
import type { Person } from './entities';
import { SEARCH_CANDIDATES } from './search';
import { transcriptScope } from './visibility';

/** One line of one meeting's transcript that answers (part of) a question. */
export interface Passage {
  meetingId: string;
  title: string;
  start: Date | null;
  /** The line's index in its transcript's segments (the meeting page's #segment-<n>). */
  segment: number;
  speaker: string;
  /** Seconds from the recording's start. */
  at: number;
  text: string;
  rank: number;
}

/** How many of the best-matching meetings have their lines ranked; the rest are not read. */
const MEETINGS_READ = 8;
/** At most this many lines of one meeting are answered, so the next meetings that speak to the question are cited too. */
const LINES_PER_MEETING = 2;

/**
 * The transcript lines that best match `terms` (any of them, stemmed), from the meetings the user may see: the
 * meetings are found through the full-text index first (title and talk), bounded as search is (the newest
 * SEARCH_CANDIDATES matches are ranked: ranking every match of a common word cost seconds at 100k transcripts),
 * and only the best meetings' lines are ranked, one by one: a line's own match times its meeting's, so a line that
 * matches one word in a meeting about the whole question comes before the same line in a meeting about something
 * else (bench/ask recall@1 63% -> 71%, recall@5 88% -> 96% with two lines a meeting at most). A line the user
 * may not see is never read: visibility is search's (transcriptScope).
 */
export async function findPassages(em: EntityManager, user: Person, terms: string[], limit: number): Promise<Passage[]> {
  if (!terms.length) return [];
  const scope = await transcriptScope(em, user, SEARCH_CANDIDATES);
  if (!scope) return [];
  const query = `to_tsquery('english', ?)`;
  const anyTerm = terms.map((term) => `'${term}'`).join(' | ');
  return em.execute<Passage[]>(
    `with candidates as (
       select t.id, t.room_id, t.created_at, t.search_vector
       from transcripts t
       where t.search_vector @@ ${query} and t.purged_at is null ${scope.sql}
       order by t.created_at desc
       limit ${SEARCH_CANDIDATES}),
     meetings as (
       select c.id, c.room_id, ts_rank_cd(c.search_vector, ${query}) as rank
       from candidates c
       order by rank desc, c.created_at desc
       limit ${MEETINGS_READ}),
     lines as (
       select m.room_id, s.ordinality - 1 as segment, s.value as line,
              ts_rank_cd(to_tsvector('english', s.value->>'text'), ${query}) * m.rank as rank
       from meetings m join transcripts t on t.id = m.id, jsonb_array_elements(t.segments) with ordinality s
       where to_tsvector('english', s.value->>'text') @@ ${query}),
     best as (
       select l.*, row_number() over (partition by l.room_id order by l.rank desc, l.segment) as nth from lines l)
     select r.id as "meetingId", r.name as title, coalesce(r.started_at, r.scheduled_start_time) as start, l.segment::int as segment,
            l.line->>'speaker' as speaker, (l.line->>'start')::float as at, l.line->>'text' as text, l.rank
     from best l join rooms r on r.id = l.room_id
     where l.nth <= ${LINES_PER_MEETING}
     order by l.rank desc, r.scheduled_start_time desc nulls last, l.segment
     limit ?`,
    [anyTerm, ...scope.params, anyTerm, anyTerm, anyTerm, limit],
  );
}
