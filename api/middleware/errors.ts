import type { Middleware } from 'koa';

/** An error a client can act on: its status, a stable id and a message that says what to fix. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Maps every thrown error to one JSON shape; handlers carry no try/catch of their own. */
export function errorHandler(onUnexpected: (error: unknown) => void): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new HttpError(404, 'not_found', `No route for ${ctx.method} ${ctx.path}`);
      }
    } catch (error) {
      if (error instanceof HttpError) {
        ctx.status = error.status;
        ctx.body = { error: { id: error.id, message: error.message, details: error.details } };
        return;
      }
      onUnexpected(error);
      ctx.status = 500;
      ctx.body = { error: { id: 'internal_error', message: 'Something went wrong on our side; it has been logged.' } };
    }
  };
}
