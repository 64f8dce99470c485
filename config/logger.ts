import pino, { type Logger } from 'pino';
import { config } from './index';

/**
 * One pino logger per process; `component` tells worker, api and bot lines apart. `mixin` adds fields to
 * every line (the worker adds the meeting and workflow of the activity that logs).
 */
export function createLogger(component: string, mixin?: () => Record<string, unknown>): Logger {
  return pino({ level: config().LOG_LEVEL, base: { component }, ...(mixin ? { mixin } : {}) });
}
