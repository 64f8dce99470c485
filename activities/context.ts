import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { RecordingConsentDefault } from '../config';
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
  /** Local state (DATA_DIR): the recorder writes under recordings/. Default: the configured DATA_DIR. */
  dataDir?: string;
  /**
   * Asked before the recorder subscribes to someone's audio: false and they are never recorded (the consent
   * hook). createActivities fills it with each person's stored decision (activities/consent.ts).
   */
  mayRecord?: MayRecord;
  /** Recording consent for people who have not answered. Default: the configured RECORDING_CONSENT_DEFAULT. */
  recordingConsentDefault?: RecordingConsentDefault;
}

export type MayRecord = (input: { roomId: string; recordingId: string; identity: string }) => boolean | Promise<boolean>;
