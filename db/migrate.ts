import { config } from '../config';
import { openOrm } from './orm';

/** Applies (or reverts, or creates) migrations: `tsx db/migrate.ts up|down|create|pending`. */
async function main(command: string): Promise<void> {
  const orm = await openOrm(process.env.MIGRATE_DATABASE_URL ?? config().DATABASE_URL);
  const migrator = orm.getMigrator();
  try {
    switch (command) {
      case 'up': {
        const applied = await migrator.up();
        console.log(applied.length ? `applied ${applied.map((m) => m.name).join(', ')}` : 'database schema is up to date');
        break;
      }
      case 'down': {
        const reverted = await migrator.down();
        console.log(`reverted ${reverted.map((m) => m.name).join(', ') || 'nothing'}`);
        break;
      }
      case 'create': {
        const result = await migrator.createMigration(undefined, false, process.argv.includes('--initial'));
        console.log(result.fileName ? `created migrations/${result.fileName}` : 'no schema changes to migrate');
        break;
      }
      case 'pending': {
        const pending = await migrator.getPendingMigrations();
        console.log(pending.map((m) => m.name).join('\n') || 'none');
        break;
      }
      default:
        throw new Error(`unknown command "${command}": use up, down, create or pending`);
    }
  } finally {
    await orm.close();
  }
}

main(process.argv[2] ?? 'up').catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
