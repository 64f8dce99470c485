import { Migration } from '@mikro-orm/migrations';

/**
 * The host's approval of a recap (issue 17): where a summary's approval stands, when its auto-release fires, and
 * who edited a version the host rewrote (null for a generated one).
 */
export class Migration20261201164102 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "meeting_summaries" add column "edited_by_id" uuid null, add column "approval_state" varchar(20) null, add column "approval_release_at" timestamptz null;`);
    this.addSql(`alter table "meeting_summaries" add constraint "meeting_summaries_edited_by_id_foreign" foreign key ("edited_by_id") references "users" ("id") on update cascade on delete set null;`);
    this.addSql(`create index "meeting_summaries_edited_by_id_index" on "meeting_summaries" ("edited_by_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "meeting_summaries_edited_by_id_index";`);
    this.addSql(`alter table "meeting_summaries" drop constraint if exists "meeting_summaries_edited_by_id_foreign";`);
    this.addSql(`alter table "meeting_summaries" drop column "edited_by_id", drop column "approval_state", drop column "approval_release_at";`);
  }

}
