import { z } from 'zod';
import { searchTranscripts } from '../../db/search';
import type { ApiDeps } from '../deps';
import { currentUser } from '../middleware/auth';
import type { RouteRegistry } from '../routing';

const search = {
  query: z.object({
    q: z.string().trim().min(2, { error: 'q must have at least 2 characters' }).max(200),
    limit: z.coerce.number().int().min(1).max(50).default(10),
  }),
};

export function searchRoutes(routes: RouteRegistry, deps: ApiDeps): void {
  routes.add({
    method: 'get',
    path: '/search',
    summary: 'Full-text search over the transcripts of my meetings, ranked, with highlighted snippets',
    auth: true,
    schemas: search,
    handler: async (ctx, { query }) => {
      const user = currentUser(ctx);
      const hits = await searchTranscripts(deps.orm.em, user, query.q, query.limit);
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
