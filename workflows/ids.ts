/** Business id of a meeting's workflow: starting it twice is a no-op, and operators can find it by room. */
export function meetingWorkflowId(roomId: string): string {
  return `meeting-${roomId}`;
}

/** One processing pipeline per recording, under its meeting. */
export function recordingWorkflowId(roomId: string, recordingId: string): string {
  return `meeting-${roomId}-recording-${recordingId}`;
}

/** A recording made by Meetflow's own recorder (the `n`th of the meeting), stored as its livekit_recording_id. */
export function trackRecordingId(roomId: string, n: number): string {
  return `meetflow-${roomId}-${n}`;
}

/** The durable reminder of one action item. */
export function actionItemWorkflowId(actionItemId: string): string {
  return `action-item-${actionItemId}`;
}

/** The meeting (room id) a workflow id belongs to, for log lines: `meeting-<roomId>` and its recording pipelines. */
export function meetingIdOfWorkflowId(workflowId: string): string | undefined {
  return /^meeting-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:-|$)/.exec(workflowId)?.[1];
}

/** The Schedule of a recurring series, and the workflow id its occurrences start under (Temporal suffixes the time). */
export const seriesScheduleId = (seriesId: string) => `meeting-series-${seriesId}`;
export const seriesOccurrenceWorkflowId = (seriesId: string) => `${seriesScheduleId(seriesId)}-occurrence`;

/** The Schedule of a maintenance job, and a run of it asked for by hand (meetflow maintenance run). */
export const maintenanceScheduleId = (job: string) => `maintenance-${job}`;
export const manualMaintenanceWorkflowId = (job: string, at: number) => `${maintenanceScheduleId(job)}-manual-${at}`;

/** A summary re-run of a meeting from its stored transcript (meetflow rerun): a pipeline of its own. */
export const summaryRerunWorkflowId = (roomId: string, at: number) => recordingWorkflowId(roomId, `rerun-${at}`);

/** A ping (meetflow ping): checks worker, Temporal and PostgreSQL end to end. */
export const pingWorkflowId = (nonce: string) => `ping-${nonce}`;
