import { openOrm } from '../db/orm';
import { testDatabaseUrl } from './helpers/db';

/** Brings the test database to the latest migration once per jest run (idempotent). */
export default async function globalSetup(): Promise<void> {
  process.env.NODE_ENV = 'test';
  const orm = await openOrm(testDatabaseUrl(), { debug: false });
  try {
    await orm.getMigrator().up();
  } finally {
    await orm.close();
  }
}
