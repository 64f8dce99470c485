import { Migration } from '@mikro-orm/migrations';

/**
 * Each occurrence of a recurring series is linked to it by rooms.series_id (issue 17.3): generated from the
 * seriesId the occurrence activity writes into the room's settings, so every writer of rooms stays as it is and
 * rooms made before this column get theirs too.
 */
export class Migration20261201165502 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "rooms" add column "series_id" uuid generated always as ((settings->>'seriesId')::uuid) stored null;`);
    this.addSql(`create index "rooms_series_id_index" on "rooms" ("series_id", "scheduled_start_time");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "rooms_series_id_index";`);
    this.addSql(`alter table "rooms" drop column "series_id";`);
  }

}
