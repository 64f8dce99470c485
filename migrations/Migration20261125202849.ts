import { Migration } from '@mikro-orm/migrations';

/**
 * The audit log (the seed's security notes) and a retention age per artifact: transcripts are emptied in
 * place (their summary stays), summaries are deleted with their action items and reports. An age of 0 or
 * less keeps that artifact for ever.
 */

export class Migration20261125202849 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "audit_events" ("id" uuid not null default gen_random_uuid(), "occurred_at" timestamptz not null default now(), "actor_id" uuid null, "actor_label" varchar(320) not null, "action" varchar(50) not null, "target_type" varchar(30) not null, "target_id" varchar(255) null, "source" varchar(20) not null, "ip_address" inet null, "user_agent" text null, "request_id" varchar(128) null, "details" jsonb not null default '{}', constraint "audit_events_pkey" primary key ("id"));`);
    this.addSql(`create index "audit_events_occurred_at_index" on "audit_events" ("occurred_at");`);
    this.addSql(`create index "audit_events_actor_id_occurred_at_index" on "audit_events" ("actor_id", "occurred_at");`);
    this.addSql(`create index "audit_events_target_type_target_id_index" on "audit_events" ("target_type", "target_id");`);
    this.addSql(`create index "audit_events_action_occurred_at_index" on "audit_events" ("action", "occurred_at");`);

    this.addSql(`alter table "audit_events" add constraint "audit_events_actor_id_foreign" foreign key ("actor_id") references "users" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "transcripts" add column "purged_at" timestamptz null;`);

    this.addSql(`create or replace function cleanup_old_transcripts(days integer default 365) returns integer language sql as $$
      with purged as (
        update transcripts set text = '', segments = '[]', words = '[]', speaker_map = '{}', purged_at = now(), updated_at = now()
        where days > 0 and purged_at is null and created_at < now() - make_interval(days => days)
        returning 1)
      select count(*)::integer from purged $$;`);
    this.addSql(`create or replace function cleanup_old_summaries(days integer default 0) returns integer language sql as $$
      with deleted as (
        delete from meeting_summaries where days > 0 and created_at < now() - make_interval(days => days)
        returning 1)
      select count(*)::integer from deleted $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists cleanup_old_transcripts(integer);`);
    this.addSql(`drop function if exists cleanup_old_summaries(integer);`);
    this.addSql(`drop table if exists "audit_events" cascade;`);

    this.addSql(`alter table "transcripts" drop column "purged_at";`);
  }

}
