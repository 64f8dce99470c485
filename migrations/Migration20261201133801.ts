import { Migration } from '@mikro-orm/migrations';

/** The words of a transcript and of its meeting's title, the title weighted A (it says what the meeting was about), the text B. */
const VECTOR_OF = (text: string, title: string) => `setweight(to_tsvector('english', coalesce(${title}, '')), 'A') || setweight(to_tsvector('english', coalesce(${text}, '')), 'B')`;

/**
 * Search ranks the meeting title above the talk (issue 16): transcripts.search_vector becomes a column kept by
 * triggers (a generated column cannot read the room's title) from the transcript's text and its room's name.
 */
export class Migration20261201133801 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "transcripts" drop column "search_vector";`);
    this.addSql(`alter table "transcripts" add column "search_vector" tsvector null;`);
    this.addSql(`create or replace function transcripts_search_vector() returns trigger language plpgsql as $$
      begin
        new.search_vector := ${VECTOR_OF('new.text', '(select r.name from rooms r where r.id = new.room_id)')};
        return new;
      end $$;`);
    this.addSql(`create trigger transcripts_search_vector before insert or update of text, room_id on transcripts for each row execute function transcripts_search_vector();`);
    this.addSql(`create or replace function rooms_title_search_vector() returns trigger language plpgsql as $$
      begin
        update transcripts set search_vector = ${VECTOR_OF('text', 'new.name')} where room_id = new.id;
        return null;
      end $$;`);
    this.addSql(`create trigger rooms_title_search_vector after update of name on rooms for each row when (old.name is distinct from new.name) execute function rooms_title_search_vector();`);
    this.addSql(`update transcripts t set search_vector = ${VECTOR_OF('t.text', 'r.name')} from rooms r where r.id = t.room_id;`);
    this.addSql(`create index "transcripts_search_vector_gin" on "transcripts" using gin ("search_vector");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists rooms_title_search_vector on rooms;`);
    this.addSql(`drop function if exists rooms_title_search_vector();`);
    this.addSql(`drop trigger if exists transcripts_search_vector on transcripts;`);
    this.addSql(`drop function if exists transcripts_search_vector();`);
    this.addSql(`alter table "transcripts" drop column "search_vector";`);
    this.addSql(`alter table "transcripts" add column "search_vector" tsvector generated always as (to_tsvector('english'::regconfig, coalesce(text, ''))) stored null;`);
    this.addSql(`create index "transcripts_search_vector_gin" on "transcripts" using gin ("search_vector");`);
  }

}
