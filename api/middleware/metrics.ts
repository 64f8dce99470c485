import type { Middleware } from 'koa';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The API's Prometheus metrics: request latency and counts by route and status, plus Node's own. */
export function createApiMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'meetflow_api_' });
  const requests = new Counter({ name: 'meetflow_http_requests_total', help: 'HTTP requests by method, route and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const latency = new Histogram({
    name: 'meetflow_http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  /**
   * Labels use the route pattern (/meetings/:id), never the raw path, so ids do not explode the series; a request no
   * route matched is "unmatched" whatever its status (a refused method or body on a made-up path included), or a
   * client could add a series per request.
   */
  const middleware: Middleware = async (ctx, next) => {
    const stop = latency.startTimer();
    try {
      await next();
    } finally {
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      stop({ method: ctx.method, route });
      requests.inc({ method: ctx.method, route, status: String(ctx.status) });
    }
  };
  return { registry, middleware };
}
