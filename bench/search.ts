/**
 * bench/search: full-text search over generated transcripts through the API's own GET /search (the app built
 * in-process and called over HTTP as an administrator, so every transcript is searched), with the GIN index on
 * transcripts.search_vector and without it. The dataset (bench/lib/transcript-generator.ts: QMSum sentences and
 * Zipf-distributed vocabulary, about 950 words a meeting) is generated once per seed and count and kept in
 * meetflow_bench; other generated datasets are removed first, so the searches see this one (plus the few
 * transcripts other benchmarks leave). The index is dropped for the second measurement and recreated from its
 * own definition afterwards, even when a query fails.
 *
 * Environment:
 *   BENCH_TRANSCRIPTS       transcripts in the dataset (default 100000)
 *   BENCH_SEED              generator seed (default 20261125)
 *   BENCH_SEARCH_REPEATS    timed requests per query with the index (default 20)
 *   BENCH_SCAN_REPEATS      timed requests per query without it (default 3)
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import pino from 'pino';
import { createApp } from '../api/app';
import { config } from '../config';
import { createSession } from '../db/sessions';
import { findOrCreateUserByEmail } from '../db/users';
import { createProviders } from '../integrations';
import { openBenchDatabase, percentile } from './lib/bench-env';
import { reportFigures } from './lib/figures';
import { formatTable } from './lib/table';
import { loadCorpusModel, seededRandom, TranscriptGenerator, type CorpusModel } from './lib/transcript-generator';

const TRANSCRIPTS = Number(process.env.BENCH_TRANSCRIPTS ?? 100_000);
const SEED = Number(process.env.BENCH_SEED ?? 20261125);
const SEARCH_REPEATS = Number(process.env.BENCH_SEARCH_REPEATS ?? 20);
const SCAN_REPEATS = Number(process.env.BENCH_SCAN_REPEATS ?? 3);
/** Bump when the generator changes, so a cached dataset of the old generator is not taken for this one. */
const GENERATOR_VERSION = 1;
const BATCH = 500;
const INDEX = 'transcripts_search_vector_gin';
/** The migration's definition, only for recreating the index after a run that died without it. */
const INDEX_FALLBACK = `create index ${INDEX} on transcripts using gin (search_vector)`;
const CORPUS_DIRS = [path.resolve(__dirname, '..', 'test', 'fixtures', 'qmsum'), '/work/shared/fixtures/qmsum'];

const datasetHost = (seed: number, count: number) => `search-v${GENERATOR_VERSION}-${seed}-${count}@bench.meetflow.local`;

// ---------------------------------------------------------------- the dataset

interface Dataset {
  generatedMs: number;
  indexBuildMs: number;
  words: number;
  /** False when this run found the dataset already stored (the figures are from the run that generated it). */
  generatedNow: boolean;
}

async function ensureIndex(pg: Client): Promise<void> {
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
async function ensureDataset(pg: Client, orm: MikroORM, model: CorpusModel): Promise<Dataset> {
  const hostEmail = datasetHost(SEED, TRANSCRIPTS);
  await pg.query(`delete from rooms where host_id in (select id from users where email like 'search-%@bench.meetflow.local' and email <> $1)`, [hostEmail]);
  const stored = await storedDataset(pg, hostEmail);
  if (stored && (await datasetRows(pg, hostEmail)) === TRANSCRIPTS) return stored;
  const host = await findOrCreateUserByEmail(orm.em.fork(), hostEmail, 'Search Dataset');
  await pg.query(`delete from rooms where host_id = $1`, [host.id]);
  const started = performance.now();
  // Loading without the GIN index and building it once afterwards is several times faster than updating it per row.
  await pg.query(`drop index if exists ${INDEX}`);
  const words = await insertTranscripts(pg, host.id, model);
  const generatedMs = performance.now() - started;
  const indexStarted = performance.now();
  await pg.query(INDEX_FALLBACK);
  await pg.query('analyze rooms, recordings, transcripts');
  const dataset = { generatedMs, indexBuildMs: performance.now() - indexStarted, words, generatedNow: true };
  await pg.query(`insert into bench_datasets (name, stats) values ($1, $2) on conflict (name) do update set stats = excluded.stats, created_at = now()`, [hostEmail, dataset]);
  return dataset;
}

async function insertTranscripts(pg: Client, hostId: string, model: CorpusModel): Promise<number> {
  const generator = new TranscriptGenerator(model, SEED);
  const dates = seededRandom(SEED + 1);
  let words = 0;
  for (let first = 0; first < TRANSCRIPTS; first += BATCH) {
    const size = Math.min(BATCH, TRANSCRIPTS - first);
    const batch = Array.from({ length: size }, (_, i) => ({ index: first + i, roomId: randomUUID(), recordingId: randomUUID(), transcript: generator.next(), start: new Date(Date.UTC(2024, 0, 1) + dates() * 2 * 365 * 86_400_000) }));
    words += batch.reduce((sum, row) => sum + row.transcript.words, 0);
    await insertBatch(pg, hostId, batch);
  }
  return words;
}

interface Row {
  index: number;
  roomId: string;
  recordingId: string;
  transcript: { text: string; speakers: number };
  start: Date;
}

async function insertBatch(pg: Client, hostId: string, rows: Row[]): Promise<void> {
  const key = (row: Row) => `search-${SEED}-${TRANSCRIPTS}-${row.index}`;
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
    `insert into transcripts (recording_id, room_id, text, has_speakers, speaker_count) select recording_id, room_id, text, true, speakers from unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[]) as t(recording_id, room_id, text, speakers)`,
    [rows.map((row) => row.recordingId), rows.map((row) => row.roomId), rows.map((row) => row.transcript.text), rows.map((row) => row.transcript.speakers)],
  );
  await pg.query('commit');
}

// ---------------------------------------------------------------- the queries

interface Query {
  kind: string;
  q: string;
}

/** Search words of several frequencies (English stop words excluded), a two-word query and a phrase, chosen by the seed. */
async function seededQueries(pg: Client, model: CorpusModel): Promise<Query[]> {
  const { rows } = await pg.query<{ w: string }>(
    `select w from unnest($1::text[]) with ordinality as v(w, rank) where length(w) > 3 and position('''' in w) = 0 and to_tsvector('english', w) <> ''::tsvector order by rank`,
    [model.vocabulary],
  );
  const words = rows.map((row) => row.w);
  const random = seededRandom(SEED + 2);
  const at = (fraction: number) => words[Math.min(words.length - 1, Math.floor(fraction * words.length))];
  const sentence = model.sentences.filter((candidate) => candidate.split(' ').length >= 8)[Math.floor(random() * model.sentences.length / 2)];
  const phrase = sentence.split(' ').slice(2, 5).join(' ').replace(/[^A-Za-z' ]/g, '');
  return [
    { kind: 'word, most frequent', q: words[0] },
    { kind: 'word, top 1%', q: at(0.01) },
    { kind: 'word, top 10%', q: at(0.1) },
    { kind: 'word, median', q: at(0.5) },
    { kind: 'word, rarest', q: words[words.length - 1] },
    { kind: 'two words', q: `${at(0.02)} ${at(0.2)}` },
    { kind: 'phrase', q: `"${phrase}"` },
    { kind: 'no match (HTTP + auth floor)', q: 'zyxwvutsrq' },
  ];
}

async function matchCount(pg: Client, q: string): Promise<number> {
  const { rows } = await pg.query<{ n: string }>(`select count(*) as n from transcripts where search_vector @@ websearch_to_tsquery('english', $1)`, [q]);
  return Number(rows[0].n);
}

// ---------------------------------------------------------------- the API

interface Api {
  url: string;
  token: string;
  close: () => Promise<void>;
}

async function startApi(orm: MikroORM): Promise<Api> {
  const cfg = { ...config(), LOG_LEVEL: 'silent' as const };
  const log = pino({ level: 'silent' });
  const temporalConnection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS });
  const app = createApp({ orm, temporal: new TemporalClient({ connection: temporalConnection }), temporalConnection, log, cfg, limits: { loginPerEmail: 1e9, loginPerIp: 1e9 }, providers: createProviders(cfg, log) });
  const em = orm.em.fork();
  const admin = await findOrCreateUserByEmail(em, 'search-admin@bench.test', 'Search Admin');
  admin.role = 'admin';
  const { token } = await createSession(em, admin, { userAgent: 'bench/search' });
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token,
    close: async () => {
      server.close();
      await temporalConnection.close();
    },
  };
}

async function timedSearch(api: Api, q: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${api.url}/search?q=${encodeURIComponent(q)}&limit=10`, { headers: { authorization: `Bearer ${api.token}` } });
  const body = (await response.json()) as { results?: { snippet: string }[] };
  if (!response.ok || !body.results) throw new Error(`GET /search?q=${q} answered ${response.status}: ${JSON.stringify(body)}`);
  return performance.now() - started;
}

/** One untimed request (warms caches), then `repeats` timed ones; sorted milliseconds. */
async function measureQuery(api: Api, q: string, repeats: number): Promise<number[]> {
  await timedSearch(api, q);
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) times.push(await timedSearch(api, q));
  return times.sort((a, b) => a - b);
}

/** Without the index: dropped here, recreated from its own definition whatever happens. */
async function withoutIndex<T>(pg: Client, measure: () => Promise<T>): Promise<{ result: T; rebuildMs: number }> {
  const { rows } = await pg.query<{ indexdef: string }>(`select indexdef from pg_indexes where indexname = $1`, [INDEX]);
  const definition = rows[0]?.indexdef ?? INDEX_FALLBACK;
  await pg.query(`drop index ${INDEX}`);
  let rebuildMs = 0;
  let result: T;
  try {
    result = await measure();
  } finally {
    const started = performance.now();
    await pg.query(definition);
    rebuildMs = performance.now() - started;
  }
  return { result, rebuildMs };
}

// ---------------------------------------------------------------- main

const ms = (value: number) => (value < 10 ? value.toFixed(1) : value.toFixed(0));

async function sizes(pg: Client): Promise<{ transcripts: number; table: string; index: string; text: string }> {
  const { rows } = await pg.query<{ n: string; table: string; index: string; text: string }>(
    `select (select count(*) from transcripts) as n, pg_size_pretty(pg_total_relation_size('transcripts')) as table,
            pg_size_pretty(pg_relation_size('${INDEX}')) as index, pg_size_pretty(sum(octet_length(text))) as text from transcripts`,
  );
  return { transcripts: Number(rows[0].n), table: rows[0].table, index: rows[0].index, text: rows[0].text };
}

async function main(): Promise<void> {
  const { orm, url } = await openBenchDatabase();
  const pg = new Client({ connectionString: url });
  await pg.connect();
  let api: Api | undefined;
  try {
    await ensureIndex(pg);
    const model = loadCorpusModel(CORPUS_DIRS);
    const dataset = await ensureDataset(pg, orm, model);
    const size = await sizes(pg);
    console.log(`corpus: ${model.meetings} QMSum meetings, ${model.sentences.length} sentences, ${model.vocabulary.length} distinct words; seed ${SEED}`);
    const generation = `${dataset.words} words (${(dataset.words / TRANSCRIPTS).toFixed(0)} a meeting) generated and inserted in ${(dataset.generatedMs / 1000).toFixed(1)} s, GIN index built in ${(dataset.indexBuildMs / 1000).toFixed(1)} s`;
    console.log(`dataset: ${TRANSCRIPTS} transcripts, ${dataset.generatedNow ? generation : `cached in the bench database (when generated: ${generation})`}`);
    console.log(`transcripts table: ${size.transcripts} rows (${size.transcripts - TRANSCRIPTS} from other benchmarks), ${size.text} of text, ${size.table} with indexes and TOAST; GIN index ${size.index}\n`);

    const queries = await seededQueries(pg, model);
    const matches: number[] = [];
    for (const query of queries) matches.push(await matchCount(pg, query.q));
    api = await startApi(orm);
    const indexed: number[][] = [];
    for (const query of queries) indexed.push(await measureQuery(api, query.q, SEARCH_REPEATS));
    const activeApi = api;
    const { result: scanned, rebuildMs } = await withoutIndex(pg, async () => {
      const times: number[][] = [];
      for (const query of queries) times.push(await measureQuery(activeApi, query.q, SCAN_REPEATS));
      return times;
    });

    const rows = queries.map((query, i) => [query.kind, query.q, String(matches[i]), ms(percentile(indexed[i], 50)), ms(percentile(indexed[i], 95)), ms(percentile(scanned[i], 50)), ms(percentile(scanned[i], 95)), `${(percentile(scanned[i], 50) / percentile(indexed[i], 50)).toFixed(1)}×`]);
    console.log(`GET /search?q=…&limit=10 (ranked, ts_headline snippets), sequential requests: ${SEARCH_REPEATS} per query with the index, ${SCAN_REPEATS} without (after one warm-up each)\n`);
    console.log(formatTable(['query', 'q', 'matching', 'GIN p50 ms', 'GIN p95 ms', 'no index p50 ms', 'no index p95 ms', 'no index / GIN'], rows));
    const latency = (times: number[]) => `p50 ${ms(percentile(times, 50))} / p95 ${ms(percentile(times, 95))} ms`;
    reportFigures(
      'search',
      queries.slice(0, -1).map((query, i) => ({ figure: `GET /search, ${query.kind} (${matches[i]} of ${size.transcripts} match)`, value: `GIN: ${latency(indexed[i])}`, baseline: `no index: ${latency(scanned[i])}` })),
    );
    console.log(`\nthe index was dropped for the second half and rebuilt in ${(rebuildMs / 1000).toFixed(1)} s; ${INDEX} is in place`);
  } finally {
    await api?.close();
    await ensureIndex(pg);
    await pg.end();
    await orm.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
