import type { EntityManager } from '@mikro-orm/postgresql';
import type { Person } from './entities';
import { transcriptScope, type TranscriptScope } from './visibility';

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

/** What people type, as a query (one `?`): websearch_to_tsquery takes it without syntax errors. */
const WEBSEARCH_QUERY = `websearch_to_tsquery('english', ?)`;

/** Headline options for one transcript line: the whole line when it is short, about 35 words around the match when not. */
const LINE_HEADLINE = `'StartSel=<mark>, StopSel=</mark>, MaxWords=35, MinWords=15'`;
const TEXT_HEADLINE = `'StartSel=<mark>, StopSel=</mark>, MaxFragments=2, MaxWords=25, MinWords=8, FragmentDelimiter=" … "'`;

/** The words of a search as a websearch query for any one of them (quotes and exclusions dropped): what a snippet marks. */
function anyWordQuery(text: string): string {
  return text.replace(/["()]/g, ' ').split(/\s+/).map((word) => word.replace(/^-+/, '')).filter((word) => word && word.toLowerCase() !== 'or').join(' or ');
}

/**
 * Full-text search over the transcripts of the meetings a user may see, best first, with highlighted snippets.
 * websearch_to_tsquery accepts what people type ("budget -print", "\"marketing plan\"") without syntax errors; it is
 * written out where it is used (not a CTE) so the planner folds it to a constant and estimates from the column's
 * statistics how many transcripts match: for a common word it walks transcripts newest first and stops at
 * SEARCH_CANDIDATES matches, for a rare one it takes the GIN index's few matches on search_vector (title weighted A,
 * talk B). Only those candidates are ranked, only the best `limit` are kept inside the ranked CTE, and only they get
 * a snippet. Visibility is transcriptScope's: its form follows how many meetings the user sees.
 *
 * The snippet is the first line of the transcript that says one of the words, marked (<mark>): parsing a whole
 * transcript for ts_headline cost 9-13 ms a result (most of a search's time, bench/search), parsing lines stops at
 * the first that says the word, and a cheap regular expression on each stem's beginning skips the lines that cannot.
 * A transcript without lines, or one that matched on its title only, gets ts_headline over its text as before.
 */
export async function searchTranscripts(em: EntityManager, user: Person, text: string, limit: number): Promise<TranscriptHit[]> {
  const scope = await transcriptScope(em, user, SEARCH_CANDIDATES);
  if (!scope) return [];
  if (QUOTED_PHRASE.test(text)) {
    const pooled = await rankedSearch(em, scope, text, limit, { poolWords: allWords(text) });
    if (pooled) return pooled;
  } else if (scope.rooms && (await hashingIsCheaper(em, scope.rooms, text))) {
    return (await rankedSearch(em, scope, text, limit, { hashRooms: scope.rooms })) ?? [];
  }
  return (await rankedSearch(em, scope, text, limit)) ?? [];
}

/*
 * Two ways to find the newest SEARCH_CANDIDATES matches among the rooms of someone who sees many (the walk form of
 * transcriptScope): walk transcripts newest first, checking each for the words and the rooms (about
 * candidates·T/(M·V/T) transcripts, each read whole), or take the M matches the GIN index names and keep those in
 * their V rooms by a hash (the transcripts are not read whole). Costs from searchTranscripts alone over bench/search's
 * 100,000 transcripts, a member of 10% (V 9,962): about 6 µs a walked transcript (its room checked first, its words
 * only when it is theirs), 1 µs a hashed match and 1 µs a room, on top of the same 15 ms of ranking and snippets: a
 * word 11,164 transcripts say takes 23-26 ms hashed against 96-118 ms walking, one 26,072 say 31-45 against 41-62 ms.
 * Hashing needs the index's bitmap: once a word is in about 40% of the transcripts the planner reads every one
 * instead (a sequential scan that opens every vector, 840 ms for 45,461), so a word in a third of them or more is
 * always walked (28-35 ms for that one). The planner picks neither form on its own: it probes each room's transcripts
 * (183-216 ms). M is the planner's estimate (from the column's statistics).
 */
async function hashingIsCheaper(em: EntityManager, rooms: NonNullable<TranscriptScope['rooms']>, text: string): Promise<boolean> {
  const [{ 'QUERY PLAN': [plan] }] = await em.execute<{ 'QUERY PLAN': { Plan: { 'Plan Rows': number } }[] }[]>(
    `explain (format json) select 1 from transcripts t where t.search_vector @@ ${WEBSEARCH_QUERY}`,
    [text],
  );
  const matches = Math.max(1, plan.Plan['Plan Rows']);
  if (matches * 3 >= rooms.transcripts) return false;
  const walked = (SEARCH_CANDIDATES * rooms.transcripts ** 2) / (matches * rooms.count);
  return matches + rooms.count < 6 * walked;
}

/** A quoted phrase of two words or more. */
const QUOTED_PHRASE = /"[^"]*\S\s+\S[^"]*"/;
/** The same search with its quotes dropped: every transcript that says the phrase has all its words. */
const allWords = (text: string) => text.replace(/"/g, ' ');

/**
 * How many of the newest transcripts with all of a phrase's words are checked for the phrase itself. A phrase needs
 * the words' positions, which the GIN index does not keep: every transcript with all the words was read and checked
 * (274 ms for a phrase whose words 8% of 100k transcripts have, bench/search), while which ones have all the words
 * the index answers by itself. When these hold SEARCH_CANDIDATES phrase matches, those are the newest matches of all,
 * the candidates the search without a pool would rank; when they do not, the search runs without one.
 */
export const PHRASE_POOL = 2_000;

/** Where the candidates come from: the scope's own condition, a phrase's pool, or the matches hashed to the user's rooms. */
type CandidateSource = { poolWords?: string; hashRooms?: NonNullable<TranscriptScope['rooms']> };

/**
 * The ranked hits, or null when a pool (`poolWords`) could not tell: it was full but held fewer than
 * SEARCH_CANDIDATES matches, so older transcripts might hold more.
 */
async function rankedSearch(em: EntityManager, scope: TranscriptScope, text: string, limit: number, source: CandidateSource = {}): Promise<TranscriptHit[] | null> {
  const query = WEBSEARCH_QUERY;
  const anyWord = WEBSEARCH_QUERY;
  // Stems minus their last letter begin the words they came from ('compani' from 'company'), escaped for a regex.
  const stemStarts = `(select '\\m(' || string_agg(regexp_replace(left(stem, greatest(length(stem) - 1, 2)), '([^[:alnum:]])', '\\\\\\1', 'g'), '|') || ')'
                       from unnest(tsvector_to_array(to_tsvector('english', ?))) stem)`;
  const candidates = candidateRows(scope, text, source);
  const pooled = source.poolWords !== undefined;
  // Function scans return the lines in order: without an ORDER BY (which would parse every line first) the
  // LIMIT takes the first line that says a word.
  const rows = await em.execute<(TranscriptHit & { pool_size?: string; candidate_count: string })[]>(
    `with ${candidates.ctes}
     candidates as (
       select t.id, t.room_id, t.created_at, t.search_vector
       ${candidates.from}
       order by t.created_at desc
       limit ${SEARCH_CANDIDATES}),
     ranked as (
       select c.id, c.room_id, c.created_at, ts_rank_cd(c.search_vector, ${query}) as rank
       from candidates c
       order by rank desc, c.created_at desc, c.id desc
       limit ?),
     marks as (select ${anyWord} as any_word, ${stemStarts} as stem_starts)
     select r.id as meeting_id, r.name as title, r.scheduled_start_time as start, t.id as transcript_id, ranked.rank,
            coalesce(
              (select ts_headline('english', line.value->>'text', marks.any_word, ${LINE_HEADLINE})
               from jsonb_array_elements(t.segments) line
               where line.value->>'text' ~* marks.stem_starts and to_tsvector('english', line.value->>'text') @@ marks.any_word
               limit 1),
              ts_headline('english', t.text, ${query}, ${TEXT_HEADLINE})) as snippet,
            ${pooled ? '(select count(*) from pool) as pool_size,' : ''} (select count(*) from candidates) as candidate_count
     from ranked join transcripts t on t.id = ranked.id join rooms r on r.id = ranked.room_id cross join marks
     order by ranked.rank desc, ranked.created_at desc, ranked.id desc`,
    [...candidates.params, text, limit, anyWordQuery(text), text, text],
  );
  const complete = !pooled || (rows.length > 0 && (Number(rows[0].candidate_count) === SEARCH_CANDIDATES || Number(rows[0].pool_size) < PHRASE_POOL));
  return complete ? rows.map(({ pool_size: _pool, candidate_count: _count, ...hit }) => hit) : null;
}

/**
 * The rows the candidates come from (with `t` their transcript), the CTEs they need before them, and the parameters
 * of both in the order they appear: the scope's own condition, a phrase's pool, or the matches hashed to the rooms.
 */
function candidateRows(scope: TranscriptScope, text: string, { poolWords, hashRooms }: CandidateSource): { ctes: string; from: string; params: unknown[] } {
  const query = WEBSEARCH_QUERY;
  if (poolWords !== undefined) {
    return {
      ctes: `pool as materialized (
       select t.id from transcripts t where t.search_vector @@ ${query} ${scope.sql} order by t.created_at desc limit ${PHRASE_POOL}),`,
      // Each pool transcript is fetched by its id and checked for the phrase (`offset 0` keeps it a per-row probe:
      // left to itself the planner checks every transcript with all the words, then keeps those in the pool).
      from: `from pool p cross join lateral (select t.id, t.room_id, t.created_at, t.search_vector from transcripts t where t.id = p.id and t.search_vector @@ ${query} offset 0) t`,
      params: [poolWords, ...scope.params, text],
    };
  }
  if (hashRooms) {
    return {
      ctes: `matches as materialized (select t.id, t.room_id, t.created_at from transcripts t where t.search_vector @@ ${query}),
     visible as materialized (${hashRooms.sql}),`,
      // The newest visible matches are chosen from the matches alone and only they are fetched whole: joined to
      // transcripts before the limit, the planner hashed the whole table for them (66 of a search's 110 ms).
      from: `from (select m.id from matches m where m.room_id in (select id from visible) order by m.created_at desc limit ${SEARCH_CANDIDATES}) newest
       join transcripts t on t.id = newest.id`,
      params: [text, ...hashRooms.params],
    };
  }
  if (scope.rooms) {
    // Most transcripts walked are not this user's: their room is checked before their words (`offset 0` keeps the
    // order), since three index probes cost less than opening a transcript's vector (a member of 10%: 37-58 → 28-43 ms).
    return {
      ctes: '',
      from: `from (select t.id, t.room_id, t.created_at, t.search_vector from transcripts t where true ${scope.sql} order by t.created_at desc offset 0) t
       where t.search_vector @@ ${query}`,
      params: [...scope.params, text],
    };
  }
  return { ctes: '', from: `from transcripts t where t.search_vector @@ ${query} ${scope.sql}`, params: [text, ...scope.params] };
}
