import { waitFor } from './wait';

/** What the promise rejected with; fails the test when it resolves. Typed loosely: tests read provider-specific fields. */
export async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

/** Runs `work` with an abort signal and aborts it once `started()` holds: what it rejected with, and the abort's reason. */
export async function abortedOnceStarted(work: (signal: AbortSignal) => Promise<unknown>, started: () => boolean): Promise<{ rejected: unknown; reason: Error }> {
  const controller = new AbortController();
  const outcome = rejection(work(controller.signal));
  await waitFor('the work to start', started, 5_000, 10);
  const reason = new Error('WORKER_SHUTDOWN');
  controller.abort(reason);
  return { rejected: await outcome, reason };
}
