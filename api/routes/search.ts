import { z } from 'zod';
import { VISIBLE_ROOM_SQL, visibleRoomParams } from '../access';
import type { ApiDeps } from '../app';
import { currentUser } from '../middleware/auth';
import { inputOf } from '../middleware/validate';
import type { RouteRegistry } from '../routing';

const search = {
  query: z.object({
    q: z.string().trim().min(2, { error: 'q must have at least 2 characters' }).max(200),
    limit: z.coerce.number().int().min(1).max(50).default(10),
  }),
};

interface Hit {
  meeting_id: string;
  title: string;
  start: Date | null;
  transcript_id: string;
  rank: number;
  snippet: string;
}

export function searchRoutes(routes: RouteRegistry, deps: ApiDeps): void {
  routes.add({
    method: 'get',
    path: '/search',
    summary: 'Full-text search over the transcripts of my meetings, ranked, with highlighted snippets',
    auth: true,
    schemas: search,
    handler: async (ctx) => {
      const { query } = inputOf(ctx, search);
      const user = currentUser(ctx);
      const visible = user.role === 'admin' ? 'true' : VISIBLE_ROOM_SQL;
      const params = user.role === 'admin' ? [] : visibleRoomParams(user);
      // websearch_to_tsquery accepts what people type ("budget -print", "\"marketing plan\"") without syntax errors;
      // the GIN index on search_vector answers the @@, ts_headline marks the hits with <mark>.
      const hits = await deps.orm.em.getConnection().execute<Hit[]>(
        `with q as (select websearch_to_tsquery('english', ?) as query)
         select r.id as meeting_id, r.name as title, r.scheduled_start_time as start, t.id as transcript_id,
                ts_rank_cd(t.search_vector, q.query) as rank,
                ts_headline('english', t.text, q.query, 'StartSel=<mark>, StopSel=</mark>, MaxFragments=2, MaxWords=25, MinWords=8, FragmentDelimiter=" … "') as snippet
         from transcripts t join rooms r on r.id = t.room_id, q
         where t.search_vector @@ q.query and ${visible}
         order by rank desc, r.scheduled_start_time desc nulls last
         limit ?`,
        [query.q, ...params, query.limit],
      );
      ctx.body = {
        query: query.q,
        results: hits.map((hit) => ({
          meeting: { id: hit.meeting_id, title: hit.title, start: hit.start ? new Date(hit.start).toISOString() : null },
          transcriptId: hit.transcript_id,
          rank: Number(hit.rank),
          snippet: hit.snippet,
        })),
      };
    },
  });
}
