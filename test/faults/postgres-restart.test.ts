import { readChatLog } from '../../integrations/chat/log';
import { restartPostgres } from './env';
import { sleep, waitFor } from '../helpers/wait';
import { allResults, duplicateRows, FaultWorld, rowsOf, type Meeting } from './harness';

// PostgreSQL stops (fast shutdown: every connection is cut) in the middle of a batch of meetings, stays down for
// a few seconds and comes back. Activities fail, Temporal retries them, and every meeting completes, delivered once.
const MEETINGS = 12;
let world: FaultWorld;

beforeAll(async () => {
  world = await new FaultWorld('pg-restart').open();
});

afterAll(async () => {
  await world?.close();
});

test(`PostgreSQL restarted in the middle of ${MEETINGS} meetings: activities retry, every meeting completes, delivered once`, async () => {
  await world.startWorker();
  const meetings: Meeting[] = [];
  const playing: Promise<void>[] = [];
  for (let i = 0; i < MEETINGS; i += 1) {
    const meeting = await world.schedule(await world.makeUser(`Pat Host${i}`), [await world.makeUser(`Gil Guest${i}`), await world.makeUser(`Ida Guest${i}`)]);
    meetings.push(meeting);
    playing.push(world.play(meeting));
    await sleep(150);
  }
  // Restart once the batch is spread over its phases: some live, some further on.
  let phases: string[] = [];
  await waitFor('a few meetings to be live or further', async () => {
    phases = await Promise.all(meetings.map((meeting) => world.phase(meeting)));
    return phases.filter((phase) => ['live', 'processing', 'completed'].includes(phase)).length >= 4;
  }, 60_000, 100);
  console.log(`postgres-restart: phases at the restart ${JSON.stringify(phases.reduce<Record<string, number>>((count, phase) => ({ ...count, [phase]: (count[phase] ?? 0) + 1 }), {}))}`);
  await restartPostgres(4_000);
  await world.reopenOrm();
  await Promise.all(playing);
  const results = await allResults(world, meetings, 120_000);

  expect(results.map((result) => (result.phase === 'completed' ? result.phase : `${result.phase}: ${result.lastError}`))).toEqual(meetings.map(() => 'completed'));
  const keys = (await readChatLog(world.dataDir)).map((entry) => entry.key);
  expect(keys.length - new Set(keys).size).toBe(0);
  for (const [i, meeting] of meetings.entries()) {
    const summaryId = results[i].summaryId!;
    expect(keys.filter((key) => key.startsWith(`results:${summaryId}:`)).sort()).toEqual(meeting.people.map((person) => `results:${summaryId}:${person.id}`).sort());
    expect(await rowsOf(world.orm, meeting.roomId, summaryId)).toEqual({ participants: 3, recordings: 1, transcripts: 1, summaries: 1, reports: 3, resultRowsSent: 3, resultRows: 3 });
  }
  expect(Object.values(await duplicateRows(world.orm)).every((n) => n === 0)).toBe(true);
}, 240_000);
