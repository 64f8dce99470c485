import type { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { config } from '../../config';
import { openOrm } from '../../db/orm';

/** Benchmarks write to their own database (meetflow_bench next to DATABASE_URL's), migrated here. */
export async function openBenchDatabase(): Promise<{ orm: MikroORM; url: string }> {
  const base = new URL(config().DATABASE_URL);
  const url = new URL(base.toString());
  url.pathname = '/meetflow_bench';
  const admin = new Client({ connectionString: base.toString() });
  await admin.connect();
  const exists = await admin.query(`select 1 from pg_database where datname = 'meetflow_bench'`);
  if (exists.rowCount === 0) await admin.query('create database meetflow_bench');
  await admin.end();
  const orm = await openOrm(url.toString(), { debug: false });
  await orm.getMigrator().up();
  return { orm, url: url.toString() };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
