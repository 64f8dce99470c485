/**
 * Temporal's floor for bench/pipeline: a workflow shaped like a meeting (some activities, a wait for the
 * meeting's end, more activities) whose activities do nothing; and for bench/burst, one that only goes live.
 * Bundled as workflow code, so it imports only @temporalio/workflow.
 */
import { condition, defineQuery, defineSignal, proxyActivities, proxyLocalActivities, setHandler, sleep } from '@temporalio/workflow';

export const noopActivities = {
  async noop(): Promise<void> {},
};

const { noop } = proxyActivities<typeof noopActivities>({ startToCloseTimeout: '1 minute' });
const local = proxyLocalActivities<typeof noopActivities>({ startToCloseTimeout: '1 minute' });

export const noopFinishSignal = defineSignal('finish');
export const noopReadyQuery = defineQuery<boolean>('ready');

export interface NoopMeetingInput {
  /** Activities before the meeting ends (the meeting's inviting, live and participant steps). */
  before: number;
  /** Activities after it ends (processing, the recording pipeline, delivery). */
  after: number;
  /** Of those, how many are local activities (the meeting's mirror writes): the floor has the meeting's shape. */
  localBefore?: number;
  localAfter?: number;
}

export async function noopMeetingWorkflow({ before, after, localBefore = 0, localAfter = 0 }: NoopMeetingInput): Promise<number> {
  let finished = false;
  let ready = false;
  setHandler(noopFinishSignal, () => {
    finished = true;
  });
  setHandler(noopReadyQuery, () => ready);
  await runSteps(before, localBefore);
  ready = true;
  await condition(() => finished);
  await runSteps(after, localAfter);
  return before + after;
}

/** `count` no-op activities, `locals` of them local, spread evenly among the regular ones. */
async function runSteps(count: number, locals: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const isLocal = Math.floor(((i + 1) * locals) / count) > Math.floor((i * locals) / count);
    await (isLocal ? local.noop() : noop());
  }
}

/**
 * bench/burst's floor: waits for its start (epoch ms) on a timer, then does what a meeting does as it goes live, with
 * no-op activities: one that stores its phase (its completion is "live"), then one that opens its room.
 */
export async function noopGoLiveWorkflow(startAt: number): Promise<void> {
  await sleep(Math.max(1, startAt - Date.now()));
  await noop();
  await noop();
}
