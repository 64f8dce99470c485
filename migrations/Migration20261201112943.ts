import { Migration } from '@mikro-orm/migrations';

/** Summaries follow the meeting's kind (issue 19: templates): the kind and its filled-in sections, e.g. a stand-up's per-person blockers. */
export class Migration20261201112943 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "meeting_summaries" add column "kind" varchar(20) null, add column "sections" jsonb not null default '[]';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "meeting_summaries" drop column "kind", drop column "sections";`);
  }

}
