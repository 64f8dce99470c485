import type { MikroORM } from '@mikro-orm/postgresql';
import { openOrm } from '../../db/orm';
import { createScratchDatabase } from '../helpers/db';

const SEED_TABLES = [
  'action_items',
  'meeting_summaries',
  'notifications',
  'participant_reports',
  'participants',
  'recordings',
  'room_invitations',
  'rooms',
  'sessions',
  'transcripts',
  'users',
];
/** The seed's tables, the audit log the security notes ask for, and the recordings' per-person tracks. */
const ALL_TABLES = [...SEED_TABLES, 'audit_events', 'recording_tracks', 'slack_requests', 'recording_consents'].sort();

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let orm: MikroORM;

const query = <T extends object>(sql: string, params: unknown[] = []) => orm.em.getConnection().execute<T[]>(sql, params);

async function publicTables(): Promise<string[]> {
  const rows = await query<{ tablename: string }>(`select tablename from pg_tables where schemaname = 'public' and tablename <> 'mikro_orm_migrations' order by tablename`);
  return rows.map((row) => row.tablename);
}

beforeAll(async () => {
  scratch = await createScratchDatabase('meetflow_migrations');
  orm = await openOrm(scratch.url, { debug: false });
  await orm.getMigrator().up();
});

afterAll(async () => {
  await orm?.close();
  await scratch?.drop();
});

test('an empty database migrates to exactly the 11 tables of the seed schema, the audit log, the recording tracks, the Slack requests handled and recording consent', async () => {
  expect(await publicTables()).toEqual(ALL_TABLES);
});

test('the audit log is append-only in shape: when, who (kept after the user is gone), what, from where', async () => {
  const rows = await query<{ column: string; type: string }>(
    `select column_name as column, udt_name as type from information_schema.columns where table_name = 'audit_events' order by ordinal_position`,
  );
  expect(Object.fromEntries(rows.map((row) => [row.column, row.type]))).toEqual({
    id: 'uuid', occurred_at: 'timestamptz', actor_id: 'uuid', actor_label: 'varchar', action: 'varchar', target_type: 'varchar',
    target_id: 'varchar', source: 'varchar', ip_address: 'inet', user_agent: 'text', request_id: 'varchar', details: 'jsonb',
  });
  const [fk] = await query<{ rule: string }>(`select confdeltype as rule from pg_constraint where conname = 'audit_events_actor_id_foreign'`);
  expect(fk.rule).toBe('n');
});

test('every table has a uuid id, created_at and updated_at', async () => {
  const rows = await query<{ table_name: string; column_name: string; data_type: string }>(
    `select table_name, column_name, data_type from information_schema.columns
     where table_schema = 'public' and column_name in ('id', 'created_at', 'updated_at')`,
  );
  for (const table of SEED_TABLES) {
    const columns = Object.fromEntries(rows.filter((row) => row.table_name === table).map((row) => [row.column_name, row.data_type]));
    expect({ table, columns }).toEqual({
      table,
      columns: { id: 'uuid', created_at: 'timestamp with time zone', updated_at: 'timestamp with time zone' },
    });
  }
});

test('the seed column types are kept (jsonb, text[], inet, date, bigint, float, tsvector)', async () => {
  const rows = await query<{ column: string; type: string }>(
    `select table_name || '.' || column_name as column, udt_name as type from information_schema.columns where table_schema = 'public'`,
  );
  const types = Object.fromEntries(rows.map((row) => [row.column, row.type]));
  expect(types).toMatchObject({
    'users.notification_preferences': 'jsonb',
    'rooms.tags': '_text',
    'rooms.settings': 'jsonb',
    'action_items.tags': '_text',
    'action_items.due_date': 'date',
    'sessions.ip_address': 'inet',
    'recordings.file_size': 'int8',
    'transcripts.confidence_score': 'float8',
    'transcripts.segments': 'jsonb',
    'transcripts.search_vector': 'tsvector',
    'meeting_summaries.overall_sentiment': 'float8',
    'participant_reports.speaking_percentage': 'float8',
    'rooms.status': 'varchar',
    'rooms.scheduled_start_time': 'timestamptz',
  });
});

test('the unique keys of the seed exist', async () => {
  const rows = await query<{ definition: string }>(
    `select conrelid::regclass || '(' || string_agg(a.attname, ',' order by a.attname) || ')' as definition
     from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any(c.conkey)
     where c.contype = 'u' group by c.oid, c.conrelid`,
  );
  const uniques = rows.map((row) => row.definition);
  expect(uniques).toEqual(
    expect.arrayContaining([
      'users(email)',
      'rooms(slug)',
      'rooms(livekit_room_name)',
      'recordings(livekit_recording_id)',
      'sessions(token_hash)',
      'room_invitations(token)',
      'transcripts(recording_id)',
      'notifications(idempotency_key)',
      'action_items(position,summary_id)',
      'participant_reports(participant_id,summary_id)',
      'recording_tracks(identity,part,recording_id)',
    ]),
  );
});

test('the full-text, tags and segments indexes are GIN', async () => {
  const rows = await query<{ indexdef: string }>(`select indexdef from pg_indexes where schemaname = 'public' and indexdef ilike '%using gin%'`);
  const gin = rows.map((row) => row.indexdef.replace(/^.* ON public\./, ''));
  expect(gin.sort()).toEqual([
    'action_items USING gin (tags)',
    'rooms USING gin (tags)',
    'transcripts USING gin (search_vector)',
    'transcripts USING gin (segments)',
  ]);
});

test("the search vector follows the transcript text and its meeting's title, the title weighted A", async () => {
  const [user] = await query<{ id: string }>(`insert into users (email, name) values ('vector@example.test', 'V') returning id`);
  const [room] = await query<{ id: string }>(`insert into rooms (host_id, name, slug, livekit_room_name) values (?, 'Budget review', 'vector-room', 'vector-room') returning id`, [user.id]);
  const [recording] = await query<{ id: string }>(`insert into recordings (room_id, livekit_recording_id) values (?, 'vector-rec') returning id`, [room.id]);
  await query(`insert into transcripts (recording_id, room_id, text) values (?, ?, 'The zebra crossed.')`, [recording.id, room.id]);
  const vector = async () => (await query<{ v: string }>(`select search_vector::text as v from transcripts where room_id = ?`, [room.id]))[0].v;
  expect(await vector()).toBe("'budget':1A 'cross':5B 'review':2A 'zebra':4B");
  await query(`update transcripts set text = 'Giraffes.' where room_id = ?`, [room.id]);
  expect(await vector()).toBe("'budget':1A 'giraff':3B 'review':2A");
  await query(`update rooms set name = 'Launch' where id = ?`, [room.id]);
  expect(await vector()).toBe("'giraff':2B 'launch':1A");
  await query(`delete from rooms where id = ?`, [room.id]);
  await query(`delete from users where id = ?`, [user.id]);
});

test('every foreign key is the leading column of an index', async () => {
  const rows = await query<{ fk: string; indexed: boolean }>(
    `select c.conrelid::regclass || '.' || a.attname as fk,
            exists (select 1 from pg_index i where i.indrelid = c.conrelid and i.indkey[0] = c.conkey[1]) as indexed
     from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
     where c.contype = 'f'`,
  );
  expect(rows.length).toBeGreaterThanOrEqual(20);
  expect(rows.filter((row) => !row.indexed).map((row) => row.fk)).toEqual([]);
});

test('the composite indexes for the common queries exist', async () => {
  const rows = await query<{ indexdef: string }>(`select indexdef from pg_indexes where schemaname = 'public'`);
  const defs = rows.map((row) => row.indexdef.replace(/^.* ON public\./, ''));
  expect(defs).toEqual(
    expect.arrayContaining([
      'rooms USING btree (host_id, scheduled_start_time)',
      'action_items USING btree (room_id, status)',
      'notifications USING btree (user_id, is_read, created_at)',
      'rooms USING btree (status)',
      'rooms USING btree (scheduled_start_time)',
      'room_invitations USING btree (invitee_email)',
    ]),
  );
});

test('the seed cleanup functions and the per-artifact retention functions exist', async () => {
  const rows = await query<{ signature: string }>(
    `select p.oid::regprocedure::text as signature from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'public' and p.proname like 'cleanup_%' order by 1`,
  );
  expect(rows.map((row) => row.signature)).toEqual([
    'cleanup_expired_invitations()',
    'cleanup_expired_sessions()',
    'cleanup_old_notifications(integer)',
    'cleanup_old_recordings(integer)',
    'cleanup_old_summaries(integer)',
    'cleanup_old_transcripts(integer)',
  ]);
});

test('the entities and the migrated schema agree (no drift)', async () => {
  expect(await orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
});

test('migrating down removes everything, and up again restores it', async () => {
  const migrator = orm.getMigrator();
  await migrator.down({ to: 0 });
  expect(await publicTables()).toEqual([]);
  expect(await query(`select 1 from pg_proc where proname like 'cleanup_%'`)).toEqual([]);
  await migrator.up();
  expect(await publicTables()).toEqual(ALL_TABLES);
  expect(await orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
});
