import type { Context, Middleware, Next } from 'koa';
import { HttpError } from './errors';

/** A fixed-window counter per key, in memory (one API process; put a shared store behind it when scaling out). */
export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  /** The size past which the next new key sweeps out lapsed windows; it doubles with what survives a sweep. */
  private sweepPast = MIN_SWEEP_SIZE;
  private sweepCount = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Counts one hit for `key`; returns the seconds to wait when over the limit. */
  hit(key: string, now = Date.now()): number | undefined {
    const window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      this.windows.set(key, { count: 1, resetAt: now + this.windowMs });
      if (this.windows.size > this.sweepPast) this.sweep(now);
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

  /** Keys counted in this process (lapsed windows included until a sweep). */
  get size(): number {
    return this.windows.size;
  }

  /** How many times the map was swept: a sweep reads every key, so many keys in one window must not sweep per hit. */
  get sweeps(): number {
    return this.sweepCount;
  }

  /**
   * Drops lapsed windows. The next sweep waits until the map doubles what is left: with the limit at a fixed
   * 10,000, keys from many addresses inside one window (none lapsed) made every new key read the whole map.
   */
  private sweep(now: number): void {
    this.sweepCount += 1;
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
    this.sweepPast = Math.max(MIN_SWEEP_SIZE, this.windows.size * 2);
  }
}

const MIN_SWEEP_SIZE = 10_000;

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
