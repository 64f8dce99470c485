import { Migration } from '@mikro-orm/migrations';

/**
 * Recording consent per person (issue 17): each person's latest decision for a meeting, on (room, user), mirrored
 * from the meeting workflow so the recorder can ask per track. A meeting's or a user's removal removes theirs.
 */
export class Migration20261201164038 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "recording_consents" ("id" uuid not null default gen_random_uuid(), "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "room_id" uuid not null, "user_id" uuid not null, "record" boolean not null, "event_id" varchar(200) not null, "decided_at" timestamptz not null, constraint "recording_consents_pkey" primary key ("id"));`);
    this.addSql(`alter table "recording_consents" add constraint "recording_consents_room_user_unique" unique ("room_id", "user_id");`);
    this.addSql(`create index "recording_consents_user_id_index" on "recording_consents" ("user_id");`);
    this.addSql(`alter table "recording_consents" add constraint "recording_consents_room_id_foreign" foreign key ("room_id") references "rooms" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "recording_consents" add constraint "recording_consents_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "recording_consents" cascade;`);
  }

}
