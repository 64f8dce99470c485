import type { BotDeps } from './deps';

/**
 * How many listeners do their work (database, Temporal, Slack's Web API) at once after their ack. The ack is what
 * Slack times (3 s); under a burst, twenty handlers working at once kept the event loop so busy that new requests
 * waited hundreds of ms for theirs (bench/slack-ack). Work beyond this waits its turn; its answer goes to the
 * response URL (valid 30 minutes) or a DM, so it may come a little later.
 */
export const WORK_SLOTS = 4;

export type WorkSlots = <T>(work: () => Promise<T>) => Promise<T>;

/** Runs at most `size` pieces of work at once, the others in the order they came. */
export function workSlots(size: number): WorkSlots {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (running < size) running += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve)); // the finishing one hands its slot over
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}

/** The work of a listener that has acknowledged Slack, in the bot's work slots (at once when it has none). */
export const afterAck = <T>(deps: BotDeps, work: () => Promise<T>): Promise<T> => (deps.workSlots ? deps.workSlots(work) : work());
