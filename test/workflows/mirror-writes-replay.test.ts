import type { MikroORM } from '@mikro-orm/postgresql';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { scheduleMeeting } from '../../clients/meetings';
import { MeetingEvents, waitForPhase } from '../../clients/video-events';
import type { MeetingStatus } from '../../workflows/messages';
import { openTestOrm, unique } from '../helpers/db';
import { createUser } from '../helpers/factories';
import { vttOf } from '../helpers/meeting';
import { devServerEnvironment, workflowBundle } from '../helpers/temporal';
import { sleep, waitFor } from '../helpers/wait';
import { runWorker, testWorker, testWorld } from '../helpers/worker';

// A worker that dies leaves its meetings' events to pile up; the next worker gets them all in one workflow task,
// and the meeting has several writes of its own state to make at once. Another worker that later replays that
// history (after a restart, or when the meeting leaves its cache) must issue the same commands in the same order:
// this is how 2 of the worker-kill fault test's 50 meetings died of a nondeterminism error, when those writes ran
// side by side as local activities (see mirrorWriter in workflows/meeting.ts).

let env: TestWorkflowEnvironment;
let orm: MikroORM;
const world = testWorld('mirror-replay');

beforeAll(async () => {
  [env, orm] = await Promise.all([devServerEnvironment(), openTestOrm()]);
});

afterAll(async () => {
  await env?.teardown();
  await orm?.close();
});

test('events that all arrive in one workflow task: the meeting completes and its history replays', async () => {
  const em = orm.em.fork();
  const people = await Promise.all(['Ada Host', 'Ben Guest', 'Cy Guest'].map((name) => createUser(em, { name, email: `${unique(name.split(' ')[0].toLowerCase())}@example.test` })));
  const [host, ...guests] = people;
  const startsAt = new Date(Date.now() + 3000);
  const { workflowId } = await scheduleMeeting(
    { em, temporal: env.client, cfg: world.cfg, taskQueue: world.taskQueue },
    { host, title: 'Replay check', start: startsAt, durationMinutes: 30, invitees: guests.map((guest) => ({ email: guest.email })), settings: { reminderMinutesBefore: 0 } },
  );
  const handle = env.client.workflow.getHandle(workflowId);

  // The first worker keeps nothing cached: once it stops, the next one takes the meeting from the normal queue.
  const stopFirst = runWorker(await testWorker(env, orm, world, { maxCachedWorkflows: 0 }));
  await waitForPhase(handle, ['waiting']);
  await stopFirst();

  // With no worker, the start time passes and the whole meeting's events queue up.
  await sleep(Math.max(0, startsAt.getTime() - Date.now()) + 200);
  const events = new MeetingEvents(handle);
  const recordingId = unique('EG');
  const audio = path.join(world.dataDir, `${recordingId}.ogg`);
  writeFileSync(audio, 'OggS not really audio');
  writeFileSync(path.join(world.dataDir, `${recordingId}.vtt`), vttOf(people.map((person) => [person.name, `${person.name} will send the budget figures by Friday.`])));
  for (const person of people) await events.join(person.id, person.name);
  await events.startRecording(recordingId);
  for (const person of people) await events.leave(person.id);
  await events.finishRoom();
  await events.finishRecording(recordingId, { filePath: audio });

  // The participants' write is held up by a lock, as a busy database may: the meeting's other writes finish
  // first, which is when a replay used to resume its coroutines in another order.
  const lock = await orm.em.getKnex().transaction();
  await lock.raw('lock table participants in exclusive mode');
  const stopSecond = runWorker(await testWorker(env, orm, world));
  await waitFor('the participants write to wait for the lock', async () => {
    const rows = await orm.em.getKnex().raw(`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query ilike '%participants%'`);
    return rows.rows[0].n > 0;
  }, 30_000, 50);
  await sleep(500);
  await lock.rollback();
  const result = (await handle.result()) as MeetingStatus;
  await stopSecond();
  expect(result.phase).toBe('completed');
  expect(result.participants.map((participant) => participant.name).sort()).toEqual(people.map((person) => person.name).sort());

  // The scenario happened: one workflow task took every event and ran several mirror writes.
  const history = await handle.fetchHistory();
  const recorded = history.events ?? [];
  let signalsWaiting = 0;
  let mostSignalsForOneTask = 0;
  for (const event of recorded) {
    if (event.workflowExecutionSignaledEventAttributes) signalsWaiting += 1;
    if (event.workflowTaskStartedEventAttributes) [mostSignalsForOneTask, signalsWaiting] = [Math.max(mostSignalsForOneTask, signalsWaiting), 0];
  }
  expect(mostSignalsForOneTask).toBeGreaterThanOrEqual(2 * people.length + 3);
  // The meeting's own writes are activity tasks, whose results replay where they stand in the history.
  const scheduled = recorded.flatMap((event) => event.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
  expect(scheduled).toEqual(expect.arrayContaining(['setMeetingPhase', 'recordParticipants', 'recordRecording']));
  expect(recorded.filter((event) => event.markerRecordedEventAttributes?.markerName === 'core_local_activity')).toEqual([]);

  // What a worker does with this meeting after a restart: replay it. A nondeterminism error rejects here.
  await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, workflowId)).resolves.toBeUndefined();
}, 90_000);
