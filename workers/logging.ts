import { Context } from '@temporalio/activity';
import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';
import type { Logger } from 'pino';
import { meetingIdOfWorkflowId } from '../workflows/ids';

/** The meeting's ids for a workflow id: every log line about a meeting can be found by `meetingId` or `workflowId`. */
export function meetingFields(workflowId: string | undefined): Record<string, string> {
  if (!workflowId) return {};
  const meetingId = meetingIdOfWorkflowId(workflowId);
  return { workflowId, ...(meetingId ? { meetingId } : {}) };
}

/**
 * pino mixin for the worker: a line logged while an activity runs (by the activity, delivery, or a provider)
 * carries that activity's meeting id, workflow id, activity type and attempt.
 */
export function activityLogFields(): Record<string, unknown> {
  let info: Context['info'];
  try {
    info = Context.current().info;
  } catch {
    return {};
  }
  // Standalone activities have no workflow.
  const execution = info.workflowExecution;
  return { ...meetingFields(execution?.workflowId), ...(execution ? { runId: execution.runId } : {}), activity: info.activityType, attempt: info.attempt };
}

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/**
 * Temporal's own worker logs (the SDK, and `log` in workflows) into the same pino stream, with the meeting's
 * ids. At info only the lines about a workflow or activity are kept: the bundler and the core are chatty.
 */
export function temporalLogger(log: Logger): DefaultLogger {
  return new DefaultLogger('INFO', (entry: LogEntry) => {
    const meta = (entry.meta ?? {}) as Record<string, unknown>;
    const workflowId = typeof meta.workflowId === 'string' ? meta.workflowId : undefined;
    if (entry.level === 'INFO' && !workflowId) return;
    log[PINO_LEVEL[entry.level]]({ ...meta, ...meetingFields(workflowId), sdk: true }, entry.message);
  });
}
