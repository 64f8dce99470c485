import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import type { ApiDeps } from './deps';
import { requireAdmin, requireAuth } from './middleware/auth';
import { errorHandler, HttpError } from './middleware/errors';
import { InFlightRequests } from './middleware/in-flight';
import { createApiMetrics } from './middleware/metrics';
import { answerMalformedRequests, declaredLengthLimit, servedMethodsOnly } from './middleware/request-limits';
import { requestContext } from './middleware/request-context';
import { RouteRegistry } from './routing';
import { actionItemRoutes } from './routes/action-items';
import { adminRoutes } from './routes/admin';
import { authRoutes, passwordSignIn } from './routes/auth';
import { docsRoutes } from './routes/docs';
import { healthRoutes } from './routes/health';
import { invitationRoutes } from './routes/invitations';
import { livekitWebhookRoutes } from './routes/livekit-webhook';
import { meetingRoutes } from './routes/meetings';
import { seriesRoutes } from './routes/series';
import { recapRoutes } from './routes/recaps';
import { notificationRoutes } from './routes/notifications';
import { pageRoutes } from './routes/pages';
import { recordingRoutes, uploadTooLarge } from './routes/recordings';
import { searchRoutes } from './routes/search';

export { DEFAULT_LIMITS, type ApiDeps } from './deps';

/** The API's Koa app, with the requests it is handling (to wait for at shutdown). */
export type MeetflowApp = Koa & { inFlight: InFlightRequests };

/** Builds the Koa app from its dependencies; main.ts listens, tests call it in-process. */
export function createApp(deps: ApiDeps): MeetflowApp {
  const app = Object.assign(new Koa(), { inFlight: new InFlightRequests() });
  app.use(app.inFlight.middleware);
  // X-Forwarded-For only from as many proxies as the operator says are in front (none by default): a client's own
  // header would otherwise choose the IP the rate limits, sessions and audit log see.
  app.proxy = deps.cfg.TRUST_PROXY_HOPS > 0;
  app.maxIpsCount = deps.cfg.TRUST_PROXY_HOPS;
  const metrics = createApiMetrics();
  app.use(metrics.middleware);
  app.use(requestContext(deps.orm, deps.log));
  app.use(errorHandler((error, requestId) => deps.log.error({ err: error, requestId }, 'unhandled error')));
  app.use(servedMethodsOnly());
  app.use(declaredLengthLimit((ctx) => (isRecordingUpload(ctx) ? { bytes: deps.cfg.UPLOAD_MAX_MB * MB, message: uploadTooLarge(deps.cfg.UPLOAD_MAX_MB) } : { bytes: MB, message: BODY_TOO_LARGE })));
  // Webhooks verify a signature over the raw body, and the pages read their forms: both come before the JSON parser.
  app.use(livekitWebhookRoutes(deps).routes());
  const signIn = passwordSignIn(deps);
  app.use(pageRoutes(deps, signIn).routes());
  app.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: '1mb',
      onError: (error) => {
        if ((error as { status?: number }).status === 413) throw new HttpError(413, 'payload_too_large', BODY_TOO_LARGE);
        throw new HttpError(400, 'invalid_json', 'The request body is not valid JSON');
      },
    }),
  );

  const health = healthRoutes(deps);
  app.use(health.routes()).use(health.allowedMethods());
  app.use(docsRoutes().routes());

  const router = new Router();
  const routes = new RouteRegistry(router, requireAuth(deps), requireAdmin());
  authRoutes(routes, deps, signIn);
  meetingRoutes(routes, deps);
  seriesRoutes(routes, deps);
  recapRoutes(routes, deps);
  invitationRoutes(routes, deps);
  actionItemRoutes(routes, deps);
  notificationRoutes(routes, deps);
  recordingRoutes(routes, deps);
  searchRoutes(routes, deps);
  adminRoutes(routes, deps);
  const openApi = routes.openApi({ title: 'Meetflow API', version: '1', serverUrl: deps.cfg.PUBLIC_URL });
  router.get('/metrics', async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
  router.get('/openapi.json', (ctx) => {
    ctx.body = openApi;
  });
  app.use(router.routes()).use(router.allowedMethods({ throw: true, methodNotAllowed: () => new HttpError(405, 'method_not_allowed', 'This route does not take that method') }));
  const listen = app.listen.bind(app);
  app.listen = ((...args: Parameters<Koa['listen']>) => answerMalformedRequests(listen(...args))) as Koa['listen'];
  return app;
}

const MB = 1024 * 1024;
const BODY_TOO_LARGE = 'The body is larger than the 1 MB this API accepts';
const isRecordingUpload = (ctx: Koa.Context) => ctx.method === 'POST' && /^\/meetings\/[^/]+\/recordings\/?$/.test(ctx.path);
