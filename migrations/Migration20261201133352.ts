import { Migration } from '@mikro-orm/migrations';

/** GET /meetings/:id reads the meeting's status from PostgreSQL (issue 16): what only the workflow knows is stored with each phase change. */
export class Migration20261201133352 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "rooms" add column "workflow_state" jsonb not null default '{}';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "rooms" drop column "workflow_state";`);
  }

}
