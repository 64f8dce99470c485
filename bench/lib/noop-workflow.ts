/**
 * Temporal's floor for bench/pipeline: a workflow shaped like a meeting (some activities, a wait for the
 * meeting's end, more activities) whose activities do nothing. Bundled as workflow code, so it imports only
 * @temporalio/workflow.
 */
import { condition, defineQuery, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';

export const noopActivities = {
  async noop(): Promise<void> {},
};

const { noop } = proxyActivities<typeof noopActivities>({ startToCloseTimeout: '1 minute' });

export const noopFinishSignal = defineSignal('finish');
export const noopReadyQuery = defineQuery<boolean>('ready');

export interface NoopMeetingInput {
  /** Activities before the meeting ends (the meeting's inviting, live and participant steps). */
  before: number;
  /** Activities after it ends (processing, the recording pipeline, delivery). */
  after: number;
}

export async function noopMeetingWorkflow({ before, after }: NoopMeetingInput): Promise<number> {
  let finished = false;
  let ready = false;
  setHandler(noopFinishSignal, () => {
    finished = true;
  });
  setHandler(noopReadyQuery, () => ready);
  for (let i = 0; i < before; i++) await noop();
  ready = true;
  await condition(() => finished);
  for (let i = 0; i < after; i++) await noop();
  return before + after;
}
