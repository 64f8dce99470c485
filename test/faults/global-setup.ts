import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openOrm } from '../../db/orm';
import { freePort } from '../helpers/processes';
import { ServerExited, setUpPostgres, startTemporal } from './env';

/**
 * One isolated PostgreSQL database (on the fault cluster, migrated here) and one file-backed Temporal dev server
 * for the whole fault run. Their addresses go into the environment, which the tests inherit.
 */
export default async function globalSetup(): Promise<void> {
  process.env.NODE_ENV = 'test';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'meetflow-faults-'));
  const databaseUrl = await setUpPostgres();
  const orm = await openOrm(databaseUrl, { debug: false });
  try {
    await orm.getMigrator().up();
  } finally {
    await orm.close();
  }
  const temporalAddress = await startTemporalOnAFreePort(dir);
  Object.assign(process.env, { FAULTS_DATABASE_URL: databaseUrl, FAULTS_TEMPORAL_ADDRESS: temporalAddress, FAULTS_DIR: dir });
  console.log(`\nfault environment: PostgreSQL ${databaseUrl.replace(/:[^:@/]+@/, ':***@')}, Temporal ${temporalAddress}, files in ${dir}`);
}

/** A port freePort() found can be taken by another socket before the server binds it: then another port. */
async function startTemporalOnAFreePort(dir: string): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    const address = `127.0.0.1:${await freePort()}`;
    try {
      await startTemporal(dir, address);
      return address;
    } catch (error) {
      if (!(error instanceof ServerExited) || attempt === 3) throw error;
      console.log(`${(error as Error).message}: trying another port`);
    }
  }
}
