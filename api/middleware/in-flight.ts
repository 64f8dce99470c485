import type { Middleware } from 'koa';

/**
 * Counts the requests being handled. A server's close() waits for its connections, not its handlers: a client that
 * hangs up leaves its handler running, and the API must not close Temporal and PostgreSQL under it at shutdown.
 */
export class InFlightRequests {
  private count = 0;
  private idleWaiters: (() => void)[] = [];

  readonly middleware: Middleware = async (_ctx, next) => {
    this.count += 1;
    try {
      await next();
    } finally {
      this.count -= 1;
      if (this.count === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
    }
  };

  get size(): number {
    return this.count;
  }

  /** Resolves true once no request is being handled, or false after `timeoutMs` with some still running. */
  async settled(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<true>((resolve) => this.idleWaiters.push(() => resolve(true)));
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    return Promise.race([idle, late]).finally(() => clearTimeout(timer));
  }
}
