import { NotFoundError, UniqueConstraintViolationException, ValidationError } from '@mikro-orm/core';
import type { Middleware } from 'koa';
import { MeetingRefusal } from '../../clients/meetings';
import { CommandError } from '../../commands/types';

/** An error a client can act on: its status, a stable code and a message that says what to fix. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extras: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const TITLES: Record<string, string> = {
  validation_error: 'The request is not valid',
  invalid_json: 'The body is not valid JSON',
  payload_too_large: 'The body is too large',
  unsupported_media_type: 'Send JSON',
  unauthenticated: 'Authentication needed',
  invalid_credentials: 'Wrong credentials',
  account_disabled: 'Account deactivated',
  forbidden: 'Not allowed',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  conflict: 'Conflict with the current state',
  email_taken: 'Email already registered',
  gone: 'No longer available',
  invalid_request: 'The request cannot be carried out',
  rate_limited: 'Too many requests',
  internal_error: 'Internal error',
};

/** RFC 9457 problem details: a stable `type` URI (and its short `code`), a title, and a detail that says what to fix. */
export function problem(status: number, code: string, detail: string, extras: Record<string, unknown> = {}) {
  return { type: `urn:meetflow:problem:${code}`, code, title: TITLES[code] ?? code, status, detail, ...extras };
}

const COMMAND_STATUS = { not_found: 404, forbidden: 403, invalid: 422, conflict: 409, gone: 410 } as const;
const COMMAND_CODE = { not_found: 'not_found', forbidden: 'forbidden', invalid: 'invalid_request', conflict: 'conflict', gone: 'gone' } as const;

/**
 * A meeting's refusal as HTTP: 422 for input it cannot take (the validator says what), 409 for the wrong moment
 * (cancelling a meeting already processed) or a meeting that is over.
 */
function refusalAsHttp(refusal: MeetingRefusal): HttpError {
  return refusal.kind === 'invalid' ? new HttpError(422, 'invalid_request', refusal.message) : new HttpError(409, 'conflict', refusal.message);
}

/** Turns what handlers, commands, the ORM and the body parser throw into an HttpError; anything else is a 500. */
export function asHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (error instanceof CommandError) return new HttpError(COMMAND_STATUS[error.kind], COMMAND_CODE[error.kind], error.message);
  if (error instanceof MeetingRefusal) return refusalAsHttp(error);
  if (error instanceof UniqueConstraintViolationException) return new HttpError(409, 'conflict', 'This already exists (a unique value is taken)');
  if (error instanceof NotFoundError) return new HttpError(404, 'not_found', error.message);
  if (error instanceof ValidationError) return new HttpError(400, 'validation_error', error.message);
  const status = (error as { status?: number; expose?: boolean }).status;
  if (status === 413) return new HttpError(413, 'payload_too_large', 'The body is larger than the 1 MB this API accepts');
  if (status === 415) return new HttpError(415, 'unsupported_media_type', 'Send the body as application/json');
  if (status && status >= 400 && status < 500 && (error as { expose?: boolean }).expose) return new HttpError(status, 'invalid_request', (error as Error).message);
  return undefined;
}

/** One error middleware for the whole API; handlers carry no try/catch of their own. */
export function errorHandler(onUnexpected: (error: unknown, requestId: string) => void): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new HttpError(404, 'not_found', `No route for ${ctx.method} ${ctx.path} (see /openapi.json or /docs)`);
      }
      // (a router's allowedMethods answers these with a status only)
      if (ctx.status === 405 && ctx.body === undefined) {
        throw new HttpError(405, 'method_not_allowed', `${ctx.path} does not take ${ctx.method} (it takes ${ctx.response.get('Allow') || 'other methods'})`);
      }
    } catch (error) {
      const requestId = String(ctx.state.requestId ?? '');
      const known = asHttpError(error);
      if (!known) onUnexpected(error, requestId);
      const http = known ?? new HttpError(500, 'internal_error', `Something went wrong on our side; it has been logged (request ${requestId})`);
      ctx.status = http.status;
      ctx.body = problem(http.status, http.code, http.message, { ...http.extras, requestId });
      ctx.type = 'application/problem+json';
    }
  };
}
