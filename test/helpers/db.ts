import { randomBytes } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { openOrm } from '../../db/orm';

/** The test database (scripts/test.sh points DATABASE_URL at meetflow_test and migrates it). */
export function testDatabaseUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://meetflow:meetflow@127.0.0.1:5432/meetflow_test';
}

export function openTestOrm(): Promise<MikroORM> {
  return openOrm(testDatabaseUrl(), { debug: false });
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A brand-new empty database for tests that need one of their own (migrations up and down). */
export async function createScratchDatabase(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: withDatabase(testDatabaseUrl(), 'postgres') });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  return {
    url: withDatabase(testDatabaseUrl(), name),
    drop: async () => {
      const client = new Client({ connectionString: withDatabase(testDatabaseUrl(), 'postgres') });
      await client.connect();
      // (force) ends the database's sessions; one that PostgreSQL itself runs there (autovacuum) refuses to end
      // for a non-superuser, so try again when that happens.
      for (let attempt = 1; ; attempt += 1) {
        try {
          await client.query(`drop database if exists "${name}" with (force)`);
          break;
        } catch (error) {
          if (attempt >= 10 || !/pg_signal_backend/.test((error as Error).message)) throw error;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
      await client.end();
    },
  };
}

/** A short random suffix so rows of one test never collide with another's. */
export function unique(label: string): string {
  return `${label}-${randomBytes(5).toString('hex')}`;
}
