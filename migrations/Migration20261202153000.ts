import { Migration } from '@mikro-orm/migrations';

/**
 * The API keeps live sessions in memory for a short while (db/session-cache.ts). Any change to a session or a user,
 * by any process or by hand, tells every API process at once: the user's id on the `meetflow_auth` channel, sent
 * when the change commits. Inserts need no notice: an unknown token is never cached.
 */
export class Migration20261202153000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create function "notify_session_change"() returns trigger language plpgsql as $$
      begin
        perform pg_notify('meetflow_auth', old.user_id::text);
        return null;
      end $$;`);
    this.addSql(`create function "notify_user_change"() returns trigger language plpgsql as $$
      begin
        perform pg_notify('meetflow_auth', old.id::text);
        return null;
      end $$;`);
    this.addSql(`create trigger "sessions_notify_auth" after update or delete on "sessions" for each row execute function "notify_session_change"();`);
    this.addSql(`create trigger "users_notify_auth" after update or delete on "users" for each row execute function "notify_user_change"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "users_notify_auth" on "users";`);
    this.addSql(`drop trigger if exists "sessions_notify_auth" on "sessions";`);
    this.addSql(`drop function if exists "notify_user_change"();`);
    this.addSql(`drop function if exists "notify_session_change"();`);
  }

}
