import pino, { type Logger } from 'pino';
import { config } from './index';

/** One pino logger per process; `component` tells worker, api and bot lines apart. */
export function createLogger(component: string): Logger {
  return pino({ level: config().LOG_LEVEL, base: { component } });
}
