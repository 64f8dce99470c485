/**
 * bench/ask: questions across meetings through the API's own POST /ask, extractive (no model).
 *
 * Latency: the hand-written questions of test/fixtures/ask-questions.json asked over bench/search's generated
 * transcripts (100k by default, generated once per seed and count and shared with bench/search), as the
 * dataset's host, who may see every one of those meetings, and by members of 10% and of 1% of them (visibility
 * takes another SQL form past a number of meetings, so both sides are timed; none is an admin's "everything").
 * Same-run baseline: GET /search with the same words (`a or b or c`, as /ask looks for any of them).
 * Target: p95 < 300 ms for every asker.
 *
 * Retrieval quality: the QMSum fixture meetings (test/fixtures/qmsum) loaded as meetings of one user, and the
 * same questions asked by that user: recall@5 is the share of questions whose meeting is among the meetings of
 * the first five citations, recall@1 that of the first citation. Same-run baseline: GET /search's first five
 * (and first) meetings for the same words.
 *
 * Environment:
 *   BENCH_TRANSCRIPTS     transcripts in the generated dataset (default 100000; shared with bench/search)
 *   BENCH_SEED            generator seed (default 20261125)
 *   BENCH_ASK_REPEATS     timed requests per question and route (default 5, after one warm-up each)
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import pino from 'pino';
import { createApp } from '../api/app';
import { questionTerms } from '../commands/ask';
import { config } from '../config';
import { findOrCreateUserByEmail } from '../db/users';
import { createProviders } from '../integrations';
import { exitWhenDone, openBenchDatabase, percentile, sessionToken } from './lib/bench-env';
import { reportFigures } from './lib/figures';
import { loadQmsumMeetings } from './lib/qmsum-fixtures';
import { CORPUS_DIRS, datasetSearchers, ensureDataset, ensureIndex } from './lib/search-dataset';
import { formatTable } from './lib/table';
import { loadCorpusModel } from './lib/transcript-generator';

const TRANSCRIPTS = Number(process.env.BENCH_TRANSCRIPTS ?? 100_000);
const SEED = Number(process.env.BENCH_SEED ?? 20261125);
const REPEATS = Number(process.env.BENCH_ASK_REPEATS ?? 5);
const TARGET_P95_MS = 300;
const FIXTURES = path.resolve(__dirname, '..', 'test', 'fixtures');
const QUALITY_HOST = 'ask-quality@bench.meetflow.local';

interface Question {
  question: string;
  meeting: string;
}

const questions = (JSON.parse(readFileSync(path.join(FIXTURES, 'ask-questions.json'), 'utf8')) as { questions: Question[] }).questions;

// ---------------------------------------------------------------- the fixture meetings

/** The QMSum fixtures as completed meetings of one user (replaced on every run); room id by fixture name. */
async function loadFixtureMeetings(pg: Client, orm: MikroORM): Promise<Map<string, string>> {
  const host = await findOrCreateUserByEmail(orm.em.fork(), QUALITY_HOST, 'Ask Quality');
  await pg.query(`delete from rooms where host_id = $1`, [host.id]);
  const ids = new Map<string, string>();
  for (const meeting of loadQmsumMeetings(path.join(FIXTURES, 'qmsum'))) {
    const [roomId, recordingId, key] = [randomUUID(), randomUUID(), `ask-quality-${meeting.name}-${randomUUID()}`];
    const segments = meeting.segments.map(({ speaker, start, end, text }) => ({ speaker, start, end, text }));
    await pg.query(`insert into rooms (id, host_id, name, slug, livekit_room_name, status, scheduled_start_time, started_at) values ($1, $2, $3, $4, $4, 'completed', now(), now())`, [roomId, host.id, meeting.name, key]);
    await pg.query(`insert into recordings (id, room_id, livekit_recording_id, status) values ($1, $2, $3, 'completed')`, [recordingId, roomId, key]);
    await pg.query(`insert into transcripts (recording_id, room_id, text, segments, has_speakers, speaker_count) values ($1, $2, $3, $4, true, $5)`, [
      recordingId,
      roomId,
      segments.map((segment) => `${segment.speaker}: ${segment.text}`).join('\n'),
      JSON.stringify(segments),
      new Set(segments.map((segment) => segment.speaker)).size,
    ]);
    ids.set(meeting.name, roomId);
  }
  return ids;
}

// ---------------------------------------------------------------- the API

interface Api {
  url: string;
  close: () => Promise<void>;
}

async function startApi(orm: MikroORM): Promise<Api> {
  // Extractive answers whatever the environment holds: this measures retrieval, not a model.
  const cfg = { ...config(), LOG_LEVEL: 'silent' as const, ASK_ANSWERER: 'extractive' as const };
  const log = pino({ level: 'silent' });
  const temporalConnection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS });
  const app = createApp({ orm, temporal: new TemporalClient({ connection: temporalConnection }), temporalConnection, log, cfg, limits: { loginPerEmail: 1e9, loginPerIp: 1e9 }, providers: createProviders(cfg, log) });
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.close();
      await temporalConnection.close();
    },
  };
}

const tokenOf = (orm: MikroORM, email: string) => sessionToken(orm, email, 'bench/ask');

async function call<T>(api: Api, token: string, route: string, init: RequestInit = {}): Promise<{ body: T; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${api.url}${route}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
  const body = (await response.json()) as T;
  const ms = performance.now() - started;
  if (!response.ok) throw new Error(`${route} answered ${response.status}: ${JSON.stringify(body)}`);
  return { body, ms };
}

interface AskBody {
  answeredBy: string;
  citations: { meeting: { id: string } }[];
}
interface SearchBody {
  results: { meeting: { id: string } }[];
}

const ask = (api: Api, token: string, question: string) => call<AskBody>(api, token, '/ask', { method: 'POST', body: JSON.stringify({ question }) });
/** The plain search route on the question's words, any of them (websearch syntax), as /ask looks for them. */
const search = (api: Api, token: string, question: string, limit: number) => call<SearchBody>(api, token, `/search?limit=${limit}&q=${encodeURIComponent(questionTerms(question).join(' or '))}`);

/** One warm-up, then REPEATS timed requests per question; every time, sorted. */
async function latencies(run: (question: string) => Promise<{ ms: number }>): Promise<number[]> {
  const times: number[] = [];
  for (const { question } of questions) {
    await run(question);
    for (let i = 0; i < REPEATS; i++) times.push((await run(question)).ms);
  }
  return times.sort((a, b) => a - b);
}

// ---------------------------------------------------------------- main

const ms = (value: number) => (value < 10 ? value.toFixed(1) : value.toFixed(0));
const pct = (hits: number) => `${((100 * hits) / questions.length).toFixed(0)}% (${hits}/${questions.length})`;
const unique = (ids: string[]) => [...new Set(ids)];

async function main(): Promise<void> {
  const { orm, url } = await openBenchDatabase();
  const pg = new Client({ connectionString: url });
  await pg.connect();
  let api: Api | undefined;
  try {
    await ensureIndex(pg);
    const dataset = await ensureDataset(pg, orm, loadCorpusModel(CORPUS_DIRS), { seed: SEED, count: TRANSCRIPTS });
    console.log(`dataset: ${TRANSCRIPTS} generated transcripts (seed ${SEED}), ${dataset.generatedNow ? `generated now in ${(dataset.generatedMs / 1000).toFixed(1)} s` : 'cached in the bench database'}`);
    const fixtures = await loadFixtureMeetings(pg, orm);
    await pg.query('analyze rooms, transcripts');
    api = await startApi(orm);

    // Latency over the generated meetings, as the host of all of them and as members of some of them.
    const askers = await datasetSearchers(pg, orm, { seed: SEED, count: TRANSCRIPTS });
    const activeApi = api;
    const latency = (times: number[]) => `p50 ${ms(percentile(times, 50))} / p95 ${ms(percentile(times, 95))} / max ${ms(times[times.length - 1])} ms`;
    const timed: { who: string; askTimes: number[]; searchTimes: number[] }[] = [];
    for (const { label: who, email } of askers) {
      const token = await tokenOf(orm, email);
      timed.push({ who, askTimes: await latencies((question) => ask(activeApi, token, question)), searchTimes: await latencies((question) => search(activeApi, token, question, 10)) });
    }
    console.log(`\n${questions.length} questions × ${REPEATS} sequential requests each (after one warm-up), over ${TRANSCRIPTS} generated meetings\n`);
    console.log(formatTable(['asked by', 'route', 'p50 ms', 'p95 ms', 'max ms'], timed.flatMap(({ who, askTimes, searchTimes }) => [
      [who, 'POST /ask (extractive)', ms(percentile(askTimes, 50)), ms(percentile(askTimes, 95)), ms(askTimes[askTimes.length - 1])],
      [who, 'GET /search, same words (baseline)', ms(percentile(searchTimes, 50)), ms(percentile(searchTimes, 95)), ms(searchTimes[searchTimes.length - 1])],
    ])));
    const worstP95 = Math.max(...timed.map(({ askTimes }) => percentile(askTimes, 95)));
    console.log(`target p95 < ${TARGET_P95_MS} ms for every asker: ${worstP95 < TARGET_P95_MS ? 'met' : 'NOT met'} (worst ${ms(worstP95)} ms)`);

    // Retrieval quality over the fixture meetings, as their host.
    const qualityToken = await tokenOf(orm, QUALITY_HOST);
    const rows: string[][] = [];
    const hits = { ask5: 0, ask1: 0, search5: 0, search1: 0 };
    for (const { question, meeting } of questions) {
      const expected = fixtures.get(meeting);
      if (!expected) throw new Error(`ask-questions.json names ${meeting}, which is not a fixture meeting`);
      const asked = unique((await ask(api, qualityToken, question)).body.citations.map((c) => c.meeting.id));
      const searched = (await search(api, qualityToken, question, 5)).body.results.map((r) => r.meeting.id);
      const named = (ids: string[]) => ids.map((id) => [...fixtures].find(([, roomId]) => roomId === id)?.[0] ?? '?').join(' ');
      hits.ask5 += Number(asked.includes(expected));
      hits.ask1 += Number(asked[0] === expected);
      hits.search5 += Number(searched.includes(expected));
      hits.search1 += Number(searched[0] === expected);
      rows.push([question, meeting, named(asked), named(searched)]);
    }
    console.log(`\nretrieval over the ${fixtures.size} QMSum fixture meetings (by chance, recall@1 would be ${(100 / fixtures.size).toFixed(0)}%)\n`);
    console.log(formatTable(['question', 'answered in', '/ask cited (in order)', '/search top 5'], rows));
    console.log(`\n/ask: recall@5 ${pct(hits.ask5)}, recall@1 ${pct(hits.ask1)}; GET /search baseline: recall@5 ${pct(hits.search5)}, recall@1 ${pct(hits.search1)}`);

    reportFigures('ask', [
      ...timed.map(({ who, askTimes, searchTimes }) => ({ figure: `POST /ask extractive, ${TRANSCRIPTS} transcripts, asked by ${who} (target p95 < ${TARGET_P95_MS} ms)`, value: latency(askTimes), baseline: `GET /search, same words: ${latency(searchTimes)}` })),
      { figure: `/ask recall@5 (${questions.length} questions, ${fixtures.size} fixture meetings)`, value: pct(hits.ask5), baseline: `GET /search top 5: ${pct(hits.search5)}` },
      { figure: `/ask recall@1 (${questions.length} questions, ${fixtures.size} fixture meetings)`, value: pct(hits.ask1), baseline: `GET /search top 1: ${pct(hits.search1)}` },
    ]);
  } finally {
    await api?.close();
    await pg.end();
    await orm.close();
  }
}

exitWhenDone(main());
