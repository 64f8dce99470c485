import { Migration } from '@mikro-orm/migrations';

/** Slack requests already handled (issue 15: a replayed or retried command, click or submission changes nothing). */
export class Migration20261201133615 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "slack_requests" ("id" uuid not null default gen_random_uuid(), "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "delivery_key" varchar(300) not null, constraint "slack_requests_pkey" primary key ("id"));`);
    this.addSql(`create index "slack_requests_created_at_index" on "slack_requests" ("created_at");`);
    this.addSql(`alter table "slack_requests" add constraint "slack_requests_delivery_key_unique" unique ("delivery_key");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "slack_requests" cascade;`);
  }

}
