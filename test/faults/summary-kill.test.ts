import { overloaded, startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic';
import { readChatLog } from '../../integrations/chat/log';
import { waitFor } from '../helpers/wait';
import { allResults, FaultWorld } from './harness';

// The worker dies while Claude is still thinking (the stand-in holds its answer). A worker's death must be noticed
// soon, as it is for deliveries (heartbeats, 20 s), not when the 10-minute start-to-close timeout of the summary
// step runs out: the next attempt (here the last one, the local summarizer) must finish the meeting within a minute.
let anthropic: FakeAnthropic;
let world: FaultWorld;

beforeAll(async () => {
  anthropic = await startFakeAnthropic();
  world = await new FaultWorld('summary-kill', { ANTHROPIC_API_KEY: 'sk-ant-faults', ANTHROPIC_BASE_URL: anthropic.url, SUMMARY_MAX_ATTEMPTS: '2' }).open();
});

afterAll(async () => {
  await world?.close();
  await anthropic?.close();
});

test('SIGKILL while the summary is being written: the meeting completes within a minute of the restart', async () => {
  anthropic.script({ kind: 'delay', ms: 120_000, then: overloaded() });
  anthropic.otherwise(overloaded());
  let worker = await world.startWorker();
  const meeting = await world.schedule(await world.makeUser('Sam Host'), [await world.makeUser('Sue Guest')]);
  await world.play(meeting);
  await waitFor('the summary request to reach Claude', () => anthropic.requests.length > 0, 60_000, 50);
  await world.stopWorker(worker, 'SIGKILL');
  worker = await world.startWorker();
  const [result] = await allResults(world, [meeting], 60_000);
  expect(result.phase).toBe('completed');
  const keys = (await readChatLog(world.dataDir)).map((entry) => entry.key).filter((key) => key.startsWith('results:'));
  expect(keys.sort()).toEqual(meeting.people.map((person) => `results:${result.summaryId}:${person.id}`).sort());
}, 150_000);
