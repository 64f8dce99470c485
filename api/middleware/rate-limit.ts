import type { Context, Middleware, Next } from 'koa';
import { HttpError } from './errors';

/** A fixed-window counter per key, in memory (one API process; put a shared store behind it when scaling out). */
export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Counts one hit for `key`; returns the seconds to wait when over the limit. */
  hit(key: string, now = Date.now()): number | undefined {
    const window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      this.windows.set(key, { count: 1, resetAt: now + this.windowMs });
      if (this.windows.size > 10_000) this.sweep(now);
      return undefined;
    }
    window.count += 1;
    return window.count > this.limit ? Math.ceil((window.resetAt - now) / 1000) : undefined;
  }

  /** The seconds to wait when `key` has used up its limit, without counting a hit (for limits on failures only). */
  waitFor(key: string, now = Date.now()): number | undefined {
    const window = this.windows.get(key);
    return window && window.resetAt > now && window.count >= this.limit ? Math.ceil((window.resetAt - now) / 1000) : undefined;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}

/** Refuses a request with 429 and Retry-After when any of its keys is over its limit. */
export function rateLimit(limiter: RateLimiter, keys: (ctx: Context) => string[]): Middleware {
  return async (ctx: Context, next: Next) => {
    const waits = keys(ctx).map((key) => limiter.hit(key)).filter((wait): wait is number => wait !== undefined);
    if (waits.length) {
      const retryAfter = Math.max(...waits);
      ctx.set('Retry-After', String(retryAfter));
      throw new HttpError(429, 'rate_limited', `Too many attempts: try again in ${retryAfter} s`);
    }
    await next();
  };
}
