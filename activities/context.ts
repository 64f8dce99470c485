import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Providers } from '../integrations';
import type { WorkerMetrics } from './metrics';

export interface ActivityContext {
  orm: MikroORM;
  providers: Providers;
  log: Logger;
  /** Where links in messages point (the API). */
  publicUrl: string;
  timeZone: string;
  /** Attempts of the configured summarizer before the local one takes over. */
  summaryMaxAttempts: number;
  /** The worker's own metrics (deliveries, provider calls); absent outside a worker. */
  metrics?: WorkerMetrics;
}
