import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Context, Middleware, Next } from 'koa';
import { HttpError, problem } from './errors';

/** The methods some route of this API answers (HEAD and OPTIONS come with GET and the router). */
export const SERVED_METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PATCH', 'DELETE', 'PUT'];

/**
 * TRACE, PROPFIND and the like are refused before any route sees them: 405 with a problem body (a 4xx, not the
 * router's 501: the client sent something this API never takes, and nothing on the server is wrong).
 */
export function servedMethodsOnly(): Middleware {
  return async (ctx: Context, next: Next) => {
    if (!SERVED_METHODS.includes(ctx.method)) {
      ctx.set('Allow', SERVED_METHODS.join(', '));
      throw new HttpError(405, 'method_not_allowed', `This API does not take ${ctx.method} requests: it answers GET, POST, PATCH and DELETE (see /openapi.json)`);
    }
    await next();
  };
}

/**
 * A body declared larger than the route takes is refused at once, from its Content-Length, before anyone reads it
 * (a reader that waits for bytes never sent would hold the request open); the connection is then closed, so the
 * rest of the body is never read either.
 */
export function declaredLengthLimit(limitOf: (ctx: Context) => { bytes: number; message: string }): Middleware {
  return async (ctx: Context, next: Next) => {
    const header = ctx.get('content-length');
    if (header) {
      const limit = limitOf(ctx);
      if (!/^\d+$/.test(header.trim()) || Number(header) > limit.bytes) {
        ctx.set('Connection', 'close');
        throw new HttpError(413, 'payload_too_large', limit.message);
      }
    }
    await next();
  };
}

/** A raw HTTP answer with a problem body, for requests Node's HTTP parser refuses before Koa sees them. */
function rawProblem(socket: Duplex, status: number, reason: string, code: string, detail: string): void {
  const body = JSON.stringify(problem(status, code, detail));
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/**
 * CONNECT (a proxy tunnel) and requests Node cannot parse (an unknown method, a broken header) never reach Koa:
 * they get the same problem bodies as the rest of the API instead of a dropped connection or a bare 400.
 */
export function answerMalformedRequests(server: Server): Server {
  server.on('connect', (_request, socket: Duplex) => rawProblem(socket, 405, 'Method Not Allowed', 'method_not_allowed', 'This API is not a proxy: CONNECT is not taken'));
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
    if (error.code === 'HPE_HEADER_OVERFLOW') return rawProblem(socket, 431, 'Request Header Fields Too Large', 'invalid_request', 'The request headers are too large');
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return rawProblem(socket, 408, 'Request Timeout', 'invalid_request', 'The request took too long to arrive');
    rawProblem(socket, 400, 'Bad Request', 'invalid_request', `This is not an HTTP request this API can read (${error.code ?? 'malformed'}): check the method and the headers`);
  });
  return server;
}
