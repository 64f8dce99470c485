import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';
import { temporalConnectionSettings } from '../config/temporal-connection';

export async function connectWorker(cfg: Config): Promise<NativeConnection> {
  return NativeConnection.connect(temporalConnectionSettings(cfg));
}
