import { Migration } from '@mikro-orm/migrations';

/**
 * The per-person tracks of a recording made by Meetflow's own recorder: one row per part of one person's
 * audio (a rejoin starts the next part), unique on (recording, identity, part) so a retried write is a no-op.
 */

export class Migration20261201103022 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "recording_tracks" ("id" uuid not null default gen_random_uuid(), "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "recording_id" uuid not null, "identity" varchar(255) not null, "user_id" uuid null, "name" varchar(255) not null, "part" int not null, "file_path" text not null, "offset_ms" int not null, "duration_ms" int null, "status" varchar(20) not null default 'recording', constraint "recording_tracks_pkey" primary key ("id"));`);
    this.addSql(`create index "recording_tracks_user_id_index" on "recording_tracks" ("user_id");`);
    this.addSql(`alter table "recording_tracks" add constraint "recording_tracks_recording_identity_part_unique" unique ("recording_id", "identity", "part");`);

    this.addSql(`alter table "recording_tracks" add constraint "recording_tracks_recording_id_foreign" foreign key ("recording_id") references "recordings" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "recording_tracks" add constraint "recording_tracks_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete set null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "recording_tracks" cascade;`);
  }

}
