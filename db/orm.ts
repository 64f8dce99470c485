import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM, type Options } from '@mikro-orm/postgresql';
import path from 'node:path';
import { migrationsList } from '../migrations';
import { entities } from './entities';

export function ormOptions(databaseUrl: string, overrides: Partial<Options> = {}): Options {
  return defineConfig({
    clientUrl: databaseUrl,
    entities,
    extensions: [Migrator],
    migrations: {
      path: path.join(__dirname, '..', 'migrations'),
      migrationsList,
      snapshotName: '.snapshot-meetflow',
      transactional: true,
      allOrNothing: true,
      silent: process.env.NODE_ENV === 'test',
    },
    pool: { min: 0, max: 10 },
    // Entities are declared with defineEntity; nothing to discover from decorators or the file system.
    discovery: { warnWhenNoEntities: true },
    forceUtcTimezone: true,
    ...overrides,
  });
}

export async function openOrm(databaseUrl: string, overrides: Partial<Options> = {}): Promise<MikroORM> {
  return MikroORM.init(ormOptions(databaseUrl, overrides));
}
