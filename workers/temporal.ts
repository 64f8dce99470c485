import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';

export async function connectWorker(cfg: Config): Promise<NativeConnection> {
  return NativeConnection.connect({ address: cfg.TEMPORAL_ADDRESS });
}
