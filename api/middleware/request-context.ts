import type { MikroORM } from '@mikro-orm/postgresql';
import { RequestContext } from '@mikro-orm/core';
import type { Middleware } from 'koa';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';

/**
 * Every request gets an id (the caller's X-Request-Id when it sends a sane one), a logger that carries it and any
 * other `logFields` the route adds (ctx.state.log, made when first used: most requests log nothing but their
 * access line, and a pino child per request was 3% of a GET's CPU), one access-log line, and its own
 * EntityManager (MikroORM's RequestContext).
 */
export function requestContext(orm: MikroORM, log: Logger): Middleware {
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = /^[\w.-]{8,128}$/.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    const fields: Record<string, unknown> = { requestId };
    ctx.state.logFields = fields;
    let child: Logger | undefined;
    Object.defineProperty(ctx.state, 'log', { get: () => (child ??= log.child(fields)), enumerable: true });
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    try {
      await RequestContext.create(orm.em, next);
    } finally {
      if (log.isLevelEnabled('info')) log.info({ ...fields, method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started) }, 'request');
    }
  };
}
