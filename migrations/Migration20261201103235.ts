import { Migration } from '@mikro-orm/migrations';

/** Each action item keeps the transcript lines it was extracted from (issue 19: grounded items), so people can check it. */
export class Migration20261201103235 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "action_items" add column "source" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "action_items" drop column "source";`);
  }

}
