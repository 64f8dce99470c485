import { z } from 'zod';
import { askMeetings } from '../../commands/ask';
import { searchTranscripts } from '../../db/search';
import { apiActor } from '../audit';
import type { ApiDeps } from '../deps';
import { currentUser } from '../middleware/auth';
import type { RouteRegistry } from '../routing';

const search = {
  query: z.object({
    q: z.string().trim().min(2, { error: 'q must have at least 2 characters' }).max(200),
    limit: z.coerce.number().int().min(1).max(50).default(10),
  }),
};

const ask = {
  body: z.object({ question: z.string().trim().min(3, { error: 'ask a question of at least 3 characters' }).max(500) }).strict(),
};

export function searchRoutes(routes: RouteRegistry, deps: ApiDeps): void {
  routes.add({
    method: 'post',
    path: '/ask',
    summary: 'A question answered from my meetings: quoted lines with speaker, meeting, time and link, or my open action items',
    auth: true,
    schemas: ask,
    handler: async (ctx, { body }) => {
      const answering = { answerer: deps.providers.answerer, onAnswererError: (error: unknown) => deps.log.warn({ err: error }, 'the answerer failed: the quoted lines were given instead') };
      ctx.body = await askMeetings({ em: deps.orm.em.fork(), ...answering }, apiActor(ctx), body.question, deps.cfg.PUBLIC_URL);
    },
  });

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
