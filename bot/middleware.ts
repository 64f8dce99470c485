import type { App } from '@slack/bolt';

/**
 * Bolt acknowledges a command at once and goes on working after the HTTP answer (looking people up, starting
 * the workflow, replying): a shutdown must wait for that work, not only for open requests.
 */
export function trackInFlight(app: App): (timeoutMs: number) => Promise<number> {
  const inFlight = new Set<Promise<void>>();
  app.use(async ({ next }) => {
    const work = next();
    inFlight.add(work);
    try {
      await work;
    } finally {
      inFlight.delete(work);
    }
  });
  /** Waits (at most timeoutMs) for the handlers still running; returns how many were cut off. */
  return async (timeoutMs) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.allSettled([...inFlight]), timeout]);
    clearTimeout(timer);
    return inFlight.size;
  };
}
