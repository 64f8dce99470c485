import { rmSync } from 'node:fs';
import { stopPostgres, stopTemporal } from './env';

/** Stops what global-setup.ts started; keeps the scratch folder (worker and server logs) only when asked to. */
export default async function globalTeardown(): Promise<void> {
  const dir = process.env.FAULTS_DIR;
  if (dir) await stopTemporal(dir);
  await stopPostgres();
  if (dir && process.env.FAULTS_KEEP_FILES !== '1') rmSync(dir, { recursive: true, force: true });
  else if (dir) console.log(`fault run files kept in ${dir}`);
}
