import { readChatLog } from '../../integrations/chat/log';
import { Room } from '../../db/entities';
import { faultsEnv, startTemporal, stopTemporal } from './env';
import { sleep, waitFor } from '../helpers/wait';
import { allResults, duplicateRows, FaultWorld, type Meeting } from './harness';

// The Temporal dev server goes away and comes back on the same SQLite file while some meetings are live and others
// wait for their start (a durable timer). The worker and the clients reconnect; the live meetings carry on, and
// the waiting ones still start on time.
const LIVE = 5;
const WAITING = 4;
const START_IN_MS = 30_000;
let world: FaultWorld;

beforeAll(async () => {
  world = await new FaultWorld('temporal-restart').open();
});

afterAll(async () => {
  await world?.close();
});

test('the Temporal server restarted with meetings live and waiting: all complete, the waiting ones start on time', async () => {
  await world.startWorker();
  const person = (name: string) => world.makeUser(name);
  const live: Meeting[] = [];
  for (let i = 0; i < LIVE; i += 1) live.push(await world.schedule(await person(`Liv Host${i}`), [await person(`Lou Guest${i}`)]));
  const startAt = new Date(Date.now() + START_IN_MS);
  const waiting: Meeting[] = [];
  for (let i = 0; i < WAITING; i += 1) waiting.push(await world.schedule(await person(`Wes Host${i}`), [await person(`Wan Guest${i}`)], { start: startAt }));
  let restarted!: () => void;
  const afterRestart = new Promise<void>((resolve) => (restarted = resolve));
  const playing = [...live.map((meeting) => world.play(meeting, { beforeLeaving: afterRestart })), ...waiting.map((meeting) => world.play(meeting, { liveWithinMs: START_IN_MS + 60_000 }))];

  // Everyone is in the live meetings' rooms, their recordings running, when the server goes away.
  await waitFor('the live meetings to have everyone in the room', async () => {
    const counts = await Promise.all(live.map((m) => world.orm.em.fork().getConnection().execute<{ n: string }[]>("select count(*) as n from participants where room_id = ? and status <> 'invited'", [m.roomId])));
    return counts.every(([row]) => Number(row.n) === 2);
  }, 60_000);
  await waitFor('the others to wait for their start', async () => (await Promise.all(waiting.map((m) => world.phase(m)))).every((phase) => phase === 'waiting'), 60_000);
  const { dir, temporalAddress } = faultsEnv();
  const downAt = Date.now();
  await stopTemporal(dir);
  await sleep(3_000);
  await startTemporal(dir, temporalAddress);
  console.log(`temporal-restart: server down for ${Date.now() - downAt} ms, ${Math.round((startAt.getTime() - Date.now()) / 1000)} s before the waiting meetings start`);
  expect(Date.now()).toBeLessThan(startAt.getTime() - 5_000);
  expect(await Promise.all(live.map((m) => world.phase(m)))).toEqual(live.map(() => 'live'));
  restarted();

  await Promise.all(playing);
  const results = await allResults(world, [...live, ...waiting], 120_000);
  expect(results.map((result) => (result.phase === 'completed' ? result.phase : `${result.phase}: ${result.lastError}`))).toEqual(results.map(() => 'completed'));
  const keys = (await readChatLog(world.dataDir)).map((entry) => entry.key);
  expect(keys.length - new Set(keys).size).toBe(0);
  for (const [i, meeting] of [...live, ...waiting].entries()) {
    expect(keys.filter((key) => key.startsWith(`results:${results[i].summaryId}:`))).toHaveLength(meeting.people.length);
  }
  // On time: each waiting meeting went live within a few seconds after its start, never before.
  for (const meeting of waiting) {
    const room = await world.orm.em.fork().findOneOrFail(Room, meeting.roomId);
    const late = room.startedAt!.getTime() - startAt.getTime();
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(5_000);
  }
  expect(Object.values(await duplicateRows(world.orm)).every((n) => n === 0)).toBe(true);
}, 240_000);
