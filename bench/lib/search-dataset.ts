import type { MikroORM } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Client } from 'pg';
import { findOrCreateUserByEmail } from '../../db/users';
import { seededRandom, TranscriptGenerator, type CorpusModel, type GeneratedTranscript } from './transcript-generator';

/*
 * The generated transcripts bench/search and bench/ask read (bench/lib/transcript-generator.ts), kept in the bench
 * database per seed and count, with their segments, so a second benchmark reuses what the first one generated.
 */

/** Bump when the generator changes, so a cached dataset of the old generator is not taken for this one (2: segments). */
const GENERATOR_VERSION = 2;
const BATCH = 500;
export const INDEX = 'transcripts_search_vector_gin';
/** The migration's definition, only for recreating the index after a run that died without it. */
export const INDEX_FALLBACK = `create index ${INDEX} on transcripts using gin (search_vector)`;
export const CORPUS_DIRS = [path.resolve(__dirname, '..', '..', 'test', 'fixtures', 'qmsum'), '/work/shared/fixtures/qmsum'];

export interface DatasetSize {
  seed: number;
  count: number;
}

/** The user who hosts every meeting of a dataset (and so may see them all). */
export const datasetHost = ({ seed, count }: DatasetSize) => `search-v${GENERATOR_VERSION}-${seed}-${count}@bench.meetflow.local`;

/** A user who joined `percent`% of a dataset's meetings (and so may see only those). */
export const datasetMember = ({ seed, count }: DatasetSize, percent: number) => `member-${percent}pct-v${GENERATOR_VERSION}-${seed}-${count}@bench.meetflow.local`;

/**
 * Makes the dataset's `percent`% member (idempotent): they joined every meeting whose id hashes to one of the first
 * `percent` of 100 buckets, the same meetings on every run. Returns their email.
 */
async function ensureMember(pg: Client, orm: MikroORM, size: DatasetSize, percent: number): Promise<string> {
  const email = datasetMember(size, percent);
  const member = await findOrCreateUserByEmail(orm.em.fork(), email, `Member of ${percent}%`);
  await pg.query(
    `insert into participants (room_id, user_id, status, role)
     select r.id, $1, 'left', 'participant' from rooms r join users h on h.id = r.host_id
     where h.email = $2 and abs(hashtext(r.id::text)) % 100 < $3
     on conflict (room_id, user_id) do nothing`,
    [member.id, datasetHost(size), percent],
  );
  return email;
}

/**
 * Who searches the dataset besides an administrator: its host (sees every meeting through the visibility condition)
 * and members of 10% and of 1% of its meetings; visibility takes another SQL form past a number of meetings, so both
 * sides are timed. Their participant rows are analyzed, so the planner knows them.
 */
export async function datasetSearchers(pg: Client, orm: MikroORM, size: DatasetSize): Promise<{ label: string; email: string }[]> {
  const searchers = [{ label: 'host of all', email: datasetHost(size) }];
  for (const percent of [10, 1]) searchers.push({ label: `member of ${percent}%`, email: await ensureMember(pg, orm, size, percent) });
  await pg.query('analyze participants');
  return searchers;
}

export interface Dataset {
  generatedMs: number;
  indexBuildMs: number;
  words: number;
  /** False when this run found the dataset already stored (the figures are from the run that generated it). */
  generatedNow: boolean;
}

export async function ensureIndex(pg: Client): Promise<void> {
  const { rowCount } = await pg.query(`select 1 from pg_indexes where indexname = $1`, [INDEX]);
  if (rowCount === 0) await pg.query(INDEX_FALLBACK);
}

/** Bench bookkeeping, not product schema: which generated dataset is complete, and what generating it took. */
async function storedDataset(pg: Client, name: string): Promise<Dataset | undefined> {
  await pg.query(`create table if not exists bench_datasets (name text primary key, stats jsonb not null, created_at timestamptz not null default now())`);
  const { rows } = await pg.query<{ stats: Dataset }>(`select stats from bench_datasets where name = $1`, [name]);
  return rows[0] && { ...rows[0].stats, generatedNow: false };
}

async function datasetRows(pg: Client, hostEmail: string): Promise<number> {
  const { rows } = await pg.query<{ n: string }>(`select count(*) as n from transcripts t join rooms r on r.id = t.room_id join users u on u.id = r.host_id where u.email = $1`, [hostEmail]);
  return Number(rows[0].n);
}

/** Generates the dataset unless this seed and count are already stored; drops other generated datasets. */
export async function ensureDataset(pg: Client, orm: MikroORM, model: CorpusModel, size: DatasetSize): Promise<Dataset> {
  const hostEmail = datasetHost(size);
  await pg.query(`delete from rooms where host_id in (select id from users where email like 'search-%@bench.meetflow.local' and email <> $1)`, [hostEmail]);
  const stored = await storedDataset(pg, hostEmail);
  if (stored && (await datasetRows(pg, hostEmail)) === size.count) return stored;
  const host = await findOrCreateUserByEmail(orm.em.fork(), hostEmail, 'Search Dataset');
  await pg.query(`delete from rooms where host_id = $1`, [host.id]);
  const started = performance.now();
  // Loading without the GIN index and building it once afterwards is several times faster than updating it per row.
  await pg.query(`drop index if exists ${INDEX}`);
  const words = await insertTranscripts(pg, host.id, model, size);
  const generatedMs = performance.now() - started;
  const indexStarted = performance.now();
  await pg.query(INDEX_FALLBACK);
  await pg.query('analyze rooms, recordings, transcripts');
  const dataset = { generatedMs, indexBuildMs: performance.now() - indexStarted, words, generatedNow: true };
  await pg.query(`insert into bench_datasets (name, stats) values ($1, $2) on conflict (name) do update set stats = excluded.stats, created_at = now()`, [hostEmail, dataset]);
  return dataset;
}

async function insertTranscripts(pg: Client, hostId: string, model: CorpusModel, size: DatasetSize): Promise<number> {
  const generator = new TranscriptGenerator(model, size.seed);
  const dates = seededRandom(size.seed + 1);
  let words = 0;
  for (let first = 0; first < size.count; first += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, size.count - first) }, (_, i) => ({ index: first + i, roomId: randomUUID(), recordingId: randomUUID(), transcript: generator.next(), start: new Date(Date.UTC(2024, 0, 1) + dates() * 2 * 365 * 86_400_000) }));
    words += batch.reduce((sum, row) => sum + row.transcript.words, 0);
    await insertBatch(pg, hostId, batch, size);
  }
  return words;
}

interface Row {
  index: number;
  roomId: string;
  recordingId: string;
  transcript: GeneratedTranscript;
  start: Date;
}

async function insertBatch(pg: Client, hostId: string, rows: Row[], size: DatasetSize): Promise<void> {
  const key = (row: Row) => `search-${size.seed}-${size.count}-${row.index}`;
  await pg.query('begin');
  await pg.query(
    `insert into rooms (id, host_id, name, slug, livekit_room_name, status, scheduled_start_time, started_at, ended_at)
     select id, $1, name, key, key, 'completed', start, start, start + interval '45 minutes'
     from unnest($2::uuid[], $3::text[], $4::text[], $5::timestamptz[]) as t(id, name, key, start)`,
    [hostId, rows.map((row) => row.roomId), rows.map((row) => `Generated meeting ${row.index + 1}`), rows.map(key), rows.map((row) => row.start)],
  );
  await pg.query(
    `insert into recordings (id, room_id, livekit_recording_id, status) select id, room_id, key, 'completed' from unnest($1::uuid[], $2::uuid[], $3::text[]) as t(id, room_id, key)`,
    [rows.map((row) => row.recordingId), rows.map((row) => row.roomId), rows.map(key)],
  );
  await pg.query(
    `insert into transcripts (recording_id, room_id, text, segments, has_speakers, speaker_count)
     select recording_id, room_id, text, segments, true, speakers from unnest($1::uuid[], $2::uuid[], $3::text[], $4::jsonb[], $5::int[]) as t(recording_id, room_id, text, segments, speakers)`,
    [rows.map((row) => row.recordingId), rows.map((row) => row.roomId), rows.map((row) => row.transcript.text), rows.map((row) => JSON.stringify(row.transcript.segments)), rows.map((row) => row.transcript.speakers)],
  );
  await pg.query('commit');
}

