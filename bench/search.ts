/**
 * bench/search: full-text search over generated transcripts through the API's own GET /search (the app built
 * in-process and called over HTTP as an administrator, so every transcript is searched), with the GIN index on
 * transcripts.search_vector and without it. The dataset (bench/lib/transcript-generator.ts: QMSum sentences and
 * Zipf-distributed vocabulary, about 950 words a meeting) is generated once per seed and count and kept in
 * meetflow_bench; other generated datasets are removed first, so the searches see this one (plus the few
 * transcripts other benchmarks leave). The index is dropped for the second measurement and recreated from its
 * own definition afterwards, even when a query fails. With the index, the same searches are also timed by people
 * who see only some meetings (the dataset's host through the visibility condition, members of 10% and of 1%),
 * against the administrator's time as the baseline.
 *
 * Environment:
 *   BENCH_TRANSCRIPTS       transcripts in the dataset (default 100000)
 *   BENCH_SEED              generator seed (default 20261125)
 *   BENCH_SEARCH_REPEATS    timed requests per query with the index (default 20)
 *   BENCH_SCAN_REPEATS      timed requests per query without it (default 3)
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import pino from 'pino';
import { createApp } from '../api/app';
import { config } from '../config';
import { createSession } from '../db/sessions';
import { findOrCreateUserByEmail } from '../db/users';
import { createProviders } from '../integrations';
import { exitWhenDone, openBenchDatabase, percentile, sessionToken } from './lib/bench-env';
import { reportFigures, type Figure } from './lib/figures';
import { formatTable } from './lib/table';
import { CORPUS_DIRS, datasetSearchers, ensureDataset, ensureIndex, INDEX, INDEX_FALLBACK } from './lib/search-dataset';
import { loadCorpusModel, seededRandom, type CorpusModel } from './lib/transcript-generator';

const TRANSCRIPTS = Number(process.env.BENCH_TRANSCRIPTS ?? 100_000);
const SEED = Number(process.env.BENCH_SEED ?? 20261125);
const SEARCH_REPEATS = Number(process.env.BENCH_SEARCH_REPEATS ?? 20);
const SCAN_REPEATS = Number(process.env.BENCH_SCAN_REPEATS ?? 3);

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

async function timedSearch(api: Api, q: string, token = api.token): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${api.url}/search?q=${encodeURIComponent(q)}&limit=10`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json()) as { results?: { snippet: string }[] };
  if (!response.ok || !body.results) throw new Error(`GET /search?q=${q} answered ${response.status}: ${JSON.stringify(body)}`);
  return performance.now() - started;
}

/** One untimed request (warms caches), then `repeats` timed ones; sorted milliseconds. */
async function measureQuery(api: Api, q: string, repeats: number, token = api.token): Promise<number[]> {
  await timedSearch(api, q, token);
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) times.push(await timedSearch(api, q, token));
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

/** The queries that people who see only some meetings time too. */
const VISIBILITY_QUERIES = ['word, most frequent', 'word, top 10%', 'word, median', 'word, rarest', 'two words'];

/** The same searches by the dataset's searchers (datasetSearchers), against the administrator's times. */
async function measureVisibility(pg: Client, orm: MikroORM, api: Api, queries: Query[], admin: number[][]): Promise<{ askers: string[]; rows: string[][]; figures: Figure[] }> {
  const searchers = await datasetSearchers(pg, orm, { seed: SEED, count: TRANSCRIPTS });
  const askers = await Promise.all(searchers.map(async ({ label, email }) => ({ label, token: await sessionToken(orm, email, 'bench/search') })));
  const pair = (times: number[]) => `${ms(percentile(times, 50))} / ${ms(percentile(times, 95))}`;
  const rows: string[][] = [];
  const figures: Figure[] = [];
  for (const [i, query] of queries.entries()) {
    if (!VISIBILITY_QUERIES.includes(query.kind)) continue;
    const row = [query.kind, query.q, pair(admin[i])];
    for (const { label, token } of askers) {
      const times = await measureQuery(api, query.q, SEARCH_REPEATS, token);
      row.push(pair(times));
      figures.push({ figure: `GET /search, ${query.kind}, by the ${label}`, value: `p50 / p95 ${pair(times)} ms`, baseline: `admin: ${pair(admin[i])} ms` });
    }
    rows.push(row);
  }
  return { askers: ['admin (baseline)', ...askers.map((asker) => asker.label)], rows, figures };
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
    const dataset = await ensureDataset(pg, orm, model, { seed: SEED, count: TRANSCRIPTS });
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
    const visibility = await measureVisibility(pg, orm, api, queries, indexed);
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
      [
        ...queries.slice(0, -1).map((query, i) => ({ figure: `GET /search, ${query.kind} (${matches[i]} of ${size.transcripts} match)`, value: `GIN: ${latency(indexed[i])}`, baseline: `no index: ${latency(scanned[i])}` })),
        ...visibility.figures,
      ],
    );
    console.log(`\nthe same queries (GIN) by people who may see only some meetings; the baseline is the administrator's time above, who sees all without a visibility condition\n`);
    console.log(formatTable(['query', 'q', ...visibility.askers.map((asker) => `${asker} p50 / p95 ms`)], visibility.rows));
    console.log(`\nthe index was dropped for the second half and rebuilt in ${(rebuildMs / 1000).toFixed(1)} s; ${INDEX} is in place`);
  } finally {
    await api?.close();
    await ensureIndex(pg);
    await pg.end();
    await orm.close();
  }
}

exitWhenDone(main());
