import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openOrm } from '../../db/orm';
import { freePort } from '../helpers/processes';
import { setUpPostgres, startTemporal } from './env';

/**
 * One isolated PostgreSQL database (on the fault cluster, migrated here) and one file-backed Temporal dev server
 * for the whole fault run. Their addresses go into the environment, which the tests inherit.
 */
export default async function globalSetup(): Promise<void> {
  process.env.NODE_ENV = 'test';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'meetflow-faults-'));
  const [databaseUrl, port] = await Promise.all([setUpPostgres(), freePort()]);
  const temporalAddress = `127.0.0.1:${port}`;
  const orm = await openOrm(databaseUrl, { debug: false });
  try {
    await orm.getMigrator().up();
  } finally {
    await orm.close();
  }
  await startTemporal(dir, temporalAddress);
  Object.assign(process.env, { FAULTS_DATABASE_URL: databaseUrl, FAULTS_TEMPORAL_ADDRESS: temporalAddress, FAULTS_DIR: dir });
  console.log(`\nfault environment: PostgreSQL ${databaseUrl.replace(/:[^:@/]+@/, ':***@')}, Temporal ${temporalAddress}, files in ${dir}`);
}
