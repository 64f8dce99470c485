/** The one task queue every Meetflow workflow and activity runs on. */
export const TASK_QUEUE = 'meetings';

/** Business id of a meeting's workflow: starting it twice is a no-op, and operators can find it by room. */
export function meetingWorkflowId(roomId: string): string {
  return `meeting-${roomId}`;
}
