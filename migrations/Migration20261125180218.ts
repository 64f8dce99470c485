import { Migration } from '@mikro-orm/migrations';

/**
 * The seed schema (../shared/seed): all 11 tables with their keys and the index strategy, generated from the
 * entities, plus what entities cannot say: the seed's cleanup functions. Each returns how many rows it touched.
 */

export class Migration20261125180218 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "users" ("id" uuid not null default gen_random_uuid(), "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "email" varchar(320) not null, "password_hash" varchar(255) null, "oauth_provider" varchar(50) null, "oauth_id" varchar(255) null, "name" varchar(255) not null, "avatar_url" text null, "role" varchar(20) not null default 'user', "is_active" boolean not null default true, "notification_preferences" jsonb not null default '{}', constraint "users_pkey" primary key ("id"));`);
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);
    this.addSql(`create index "users_created_at_index" on "users" ("created_at");`);
    this.addSql(`create index "users_role_index" on "users" ("role");`);
    this.addSql(`alter table "users" add constraint "users_oauth_provider_oauth_id_unique" unique ("oauth_provider", "oauth_id");`);

    this.addSql(`create table "sessions" ("id" uuid not null default gen_random_uuid(), "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "user_id" uuid not null, "token_hash" varchar(64) not null, "device_info" jsonb not null default '{}', "ip_address" inet null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, constraint "sessions_pkey" primary key ("id"));`);
    this.addSql(`create index "sessions_user_id_index" on "sessions" ("user_id");`);
    this.addSql(`alter table "sessions" add constraint "sessions_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "sessions_expires_at_index" on "sessions" ("expires_at");`);

    this.addSql(`create table "rooms" ("id" uuid not null default gen_random_uuid(), "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "host_id" uuid not null, "name" varchar(255) not null, "description" text null, "slug" varchar(255) not null, "type" varchar(20) not null default 'scheduled', "status" varchar(20) not null default 'scheduled', "livekit_room_name" varchar(255) not null, "max_participants" int not null default 50, "current_participants" int not null default 0, "settings" jsonb not null default '{}', "scheduled_start_time" timestamptz null, "planned_duration" int null, "started_at" timestamptz null, "ended_at" timestamptz null, "duration" int null, "tags" text[] not null default '{}', "workflow_id" varchar(255) null, constraint "rooms_pkey" primary key ("id"));`);
    this.addSql(`alter table "rooms" add constraint "rooms_slug_unique" unique ("slug");`);
    this.addSql(`alter table "rooms" add constraint "rooms_livekit_room_name_unique" unique ("livekit_room_name");`);
    this.addSql(`alter table "rooms" add constraint "rooms_workflow_id_unique" unique ("workflow_id");`);
    this.addSql(`create index "rooms_status_index" on "rooms" ("status");`);
    this.addSql(`create index "rooms_type_index" on "rooms" ("type");`);
    this.addSql(`create index "rooms_created_at_index" on "rooms" ("created_at");`);
    this.addSql(`create index "rooms_scheduled_start_time_index" on "rooms" ("scheduled_start_time");`);
    this.addSql(`create index "rooms_host_upcoming_index" on "rooms" ("host_id", "scheduled_start_time");`);
    this.addSql(`create index "rooms_tags_gin" on "rooms" using gin ("tags");`);

    this.addSql(`create table "room_invitations" ("id" uuid not null default gen_random_uuid(), "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "room_id" uuid not null, "inviter_id" uuid not null, "invitee_id" uuid null, "invitee_email" varchar(320) not null, "token" varchar(64) not null, "status" varchar(20) not null default 'pending', "expires_at" timestamptz not null, constraint "room_invitations_pkey" primary key ("id"));`);
    this.addSql(`create index "room_invitations_inviter_id_index" on "room_invitations" ("inviter_id");`);
    this.addSql(`create index "room_invitations_invitee_id_index" on "room_invitations" ("invitee_id");`);
    this.addSql(`alter table "room_invitations" add constraint "room_invitations_token_unique" unique ("token");`);
    this.addSql(`create index "room_invitations_status_index" on "room_invitations" ("status");`);
    this.addSql(`create index "room_invitations_invitee_email_index" on "room_invitations" ("invitee_email");`);
    this.addSql(`create index "room_invitations_expires_at_index" on "room_invitations" ("expires_at");`);
    this.addSql(`alter table "room_invitations" add constraint "room_invitations_room_email_unique" unique ("room_id", "invitee_email");`);

    this.addSql(`create table "recordings" ("id" uuid not null default gen_random_uuid(), "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "room_id" uuid not null, "started_by_id" uuid null, "livekit_recording_id" varchar(255) not null, "status" varchar(20) not null default 'recording', "file_url" text null, "file_path" text null, "file_size" bigint null, "duration" int null, "started_at" timestamptz null, "completed_at" timestamptz null, constraint "recordings_pkey" primary key ("id"));`);
    this.addSql(`create index "recordings_room_id_index" on "recordings" ("room_id");`);
    this.addSql(`create index "recordings_started_by_id_index" on "recordings" ("started_by_id");`);
    this.addSql(`alter table "recordings" add constraint "recordings_livekit_recording_id_unique" unique ("livekit_recording_id");`);
    this.addSql(`create index "recordings_status_index" on "recordings" ("status");`);
    this.addSql(`create index "recordings_created_at_index" on "recordings" ("created_at");`);

    this.addSql(`create table "transcripts" ("id" uuid not null default gen_random_uuid(), "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "recording_id" uuid not null, "room_id" uuid not null, "text" text not null, "language" varchar(20) not null default 'en', "segments" jsonb not null default '[]', "words" jsonb not null default '[]', "confidence_score" double precision null, "has_speakers" boolean not null default false, "speaker_count" int not null default 0, "speaker_map" jsonb not null default '{}', "search_vector" tsvector generated always as (to_tsvector('english'::regconfig, coalesce(text, ''))) stored null, constraint "transcripts_pkey" primary key ("id"));`);
    this.addSql(`alter table "transcripts" add constraint "transcripts_recording_id_unique" unique ("recording_id");`);
    this.addSql(`create index "transcripts_room_id_index" on "transcripts" ("room_id");`);
    this.addSql(`create index "transcripts_created_at_index" on "transcripts" ("created_at");`);
    this.addSql(`create index "transcripts_search_vector_gin" on "transcripts" using gin ("search_vector");`);
    this.addSql(`create index "transcripts_segments_gin" on "transcripts" using gin ("segments");`);

    this.addSql(`create table "meeting_summaries" ("id" uuid not null default gen_random_uuid(), "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "room_id" uuid not null, "transcript_id" uuid not null, "version" int not null default 1, "executive_summary" text not null, "key_points" jsonb not null default '[]', "decisions" jsonb not null default '[]', "topics" jsonb not null default '[]', "overall_sentiment" double precision null, "total_speaking_time" int not null default 0, "engagement_score" double precision null, "generator" varchar(50) not null default 'local', "model" varchar(255) null, "usage" jsonb null, constraint "meeting_summaries_pkey" primary key ("id"));`);
    this.addSql(`create index "meeting_summaries_room_id_index" on "meeting_summaries" ("room_id");`);
    this.addSql(`create index "meeting_summaries_created_at_index" on "meeting_summaries" ("created_at");`);
    this.addSql(`alter table "meeting_summaries" add constraint "meeting_summaries_transcript_version_unique" unique ("transcript_id", "version");`);

    this.addSql(`create table "participants" ("id" uuid not null default gen_random_uuid(), "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "room_id" uuid not null, "user_id" uuid not null, "role" varchar(20) not null default 'participant', "status" varchar(20) not null default 'invited', "joined_at" timestamptz null, "left_at" timestamptz null, "duration" int not null default 0, "can_share_screen" boolean not null default true, "is_muted" boolean not null default false, constraint "participants_pkey" primary key ("id"));`);
    this.addSql(`create index "participants_status_index" on "participants" ("status");`);
    this.addSql(`create index "participants_user_id_status_index" on "participants" ("user_id", "status");`);
    this.addSql(`alter table "participants" add constraint "participants_room_user_unique" unique ("room_id", "user_id");`);

    this.addSql(`create table "participant_reports" ("id" uuid not null default gen_random_uuid(), "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "room_id" uuid not null, "participant_id" uuid not null, "summary_id" uuid not null, "report_content" text not null, "speaking_time" int not null default 0, "speaking_percentage" double precision not null default 0, "engagement_score" double precision not null default 0, "key_contributions" jsonb not null default '[]', "tasks_assigned_count" int not null default 0, constraint "participant_reports_pkey" primary key ("id"));`);
    this.addSql(`create index "participant_reports_room_id_index" on "participant_reports" ("room_id");`);
    this.addSql(`create index "participant_reports_participant_id_index" on "participant_reports" ("participant_id");`);
    this.addSql(`alter table "participant_reports" add constraint "participant_reports_summary_participant_unique" unique ("summary_id", "participant_id");`);

    this.addSql(`create table "notifications" ("id" uuid not null default gen_random_uuid(), "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "user_id" uuid not null, "type" varchar(50) not null, "title" varchar(255) not null, "message" text not null, "data" jsonb not null default '{}', "is_read" boolean not null default false, "read_at" timestamptz null, "action_url" text null, "idempotency_key" varchar(255) not null, "channel" varchar(20) not null default 'log', "delivery_status" varchar(20) not null default 'pending', "provider_message_id" varchar(255) null, "sent_at" timestamptz null, "delivery_error" text null, constraint "notifications_pkey" primary key ("id"));`);
    this.addSql(`alter table "notifications" add constraint "notifications_idempotency_key_unique" unique ("idempotency_key");`);
    this.addSql(`create index "notifications_type_index" on "notifications" ("type");`);
    this.addSql(`create index "notifications_created_at_index" on "notifications" ("created_at");`);
    this.addSql(`create index "notifications_user_unread_index" on "notifications" ("user_id", "is_read", "created_at");`);

    this.addSql(`create table "action_items" ("id" uuid not null default gen_random_uuid(), "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "room_id" uuid not null, "summary_id" uuid not null, "assigned_to_id" uuid null, "position" int not null, "title" varchar(500) not null, "description" text null, "type" varchar(20) not null default 'task', "priority" varchar(20) not null default 'medium', "status" varchar(20) not null default 'open', "due_date" date null, "completed_at" timestamptz null, "tags" text[] not null default '{}', constraint "action_items_pkey" primary key ("id"));`);
    this.addSql(`create index "action_items_status_index" on "action_items" ("status");`);
    this.addSql(`create index "action_items_type_index" on "action_items" ("type");`);
    this.addSql(`create index "action_items_created_at_index" on "action_items" ("created_at");`);
    this.addSql(`create index "action_items_room_open_index" on "action_items" ("room_id", "status");`);
    this.addSql(`create index "action_items_assignee_status_due_index" on "action_items" ("assigned_to_id", "status", "due_date");`);
    this.addSql(`create index "action_items_tags_gin" on "action_items" using gin ("tags");`);
    this.addSql(`alter table "action_items" add constraint "action_items_summary_position_unique" unique ("summary_id", "position");`);

    this.addSql(`alter table "sessions" add constraint "sessions_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "rooms" add constraint "rooms_host_id_foreign" foreign key ("host_id") references "users" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "room_invitations" add constraint "room_invitations_room_id_foreign" foreign key ("room_id") references "rooms" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "room_invitations" add constraint "room_invitations_inviter_id_foreign" foreign key ("inviter_id") references "users" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "room_invitations" add constraint "room_invitations_invitee_id_foreign" foreign key ("invitee_id") references "users" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "recordings" add constraint "recordings_room_id_foreign" foreign key ("room_id") references "rooms" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "recordings" add constraint "recordings_started_by_id_foreign" foreign key ("started_by_id") references "users" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "transcripts" add constraint "transcripts_recording_id_foreign" foreign key ("recording_id") references "recordings" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "transcripts" add constraint "transcripts_room_id_foreign" foreign key ("room_id") references "rooms" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "meeting_summaries" add constraint "meeting_summaries_room_id_foreign" foreign key ("room_id") references "rooms" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "meeting_summaries" add constraint "meeting_summaries_transcript_id_foreign" foreign key ("transcript_id") references "transcripts" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "participants" add constraint "participants_room_id_foreign" foreign key ("room_id") references "rooms" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "participants" add constraint "participants_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "participant_reports" add constraint "participant_reports_room_id_foreign" foreign key ("room_id") references "rooms" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "participant_reports" add constraint "participant_reports_participant_id_foreign" foreign key ("participant_id") references "participants" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "participant_reports" add constraint "participant_reports_summary_id_foreign" foreign key ("summary_id") references "meeting_summaries" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "notifications" add constraint "notifications_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "action_items" add constraint "action_items_room_id_foreign" foreign key ("room_id") references "rooms" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "action_items" add constraint "action_items_summary_id_foreign" foreign key ("summary_id") references "meeting_summaries" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "action_items" add constraint "action_items_assigned_to_id_foreign" foreign key ("assigned_to_id") references "users" ("id") on update cascade on delete set null;`);

    this.addSql(`create or replace function cleanup_expired_invitations() returns integer language sql as $$
      with expired as (
        update room_invitations set status = 'expired', updated_at = now()
        where status = 'pending' and expires_at < now()
        returning 1)
      select count(*)::integer from expired $$;`);
    this.addSql(`create or replace function cleanup_expired_sessions() returns integer language sql as $$
      with removed as (
        delete from sessions where expires_at < now() or revoked_at is not null
        returning 1)
      select count(*)::integer from removed $$;`);
    this.addSql(`create or replace function cleanup_old_notifications(days integer default 30) returns integer language sql as $$
      with removed as (
        delete from notifications where is_read and created_at < now() - make_interval(days => days)
        returning 1)
      select count(*)::integer from removed $$;`);
    this.addSql(`create or replace function cleanup_old_recordings(days integer default 90) returns integer language sql as $$
      with archived as (
        update recordings set status = 'archived', file_url = null, file_path = null, updated_at = now()
        where status <> 'archived' and coalesce(completed_at, created_at) < now() - make_interval(days => days)
        returning 1)
      select count(*)::integer from archived $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists cleanup_expired_invitations();`);
    this.addSql(`drop function if exists cleanup_expired_sessions();`);
    this.addSql(`drop function if exists cleanup_old_notifications(integer);`);
    this.addSql(`drop function if exists cleanup_old_recordings(integer);`);
    for (const table of [
      'notifications', 'room_invitations', 'sessions', 'participant_reports', 'action_items',
      'meeting_summaries', 'transcripts', 'recordings', 'participants', 'rooms', 'users',
    ]) {
      this.addSql(`drop table if exists "${table}" cascade;`);
    }
  }

}
