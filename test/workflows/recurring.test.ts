import type { MikroORM } from '@mikro-orm/postgresql';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { scheduleRecurringMeeting } from '../../clients/recurring';
import { waitForPhase } from '../../clients/video-events';
import { Room, type RoomEntity } from '../../db/entities';
import { cancelUpdate, statusQuery } from '../../workflows/messages';
import { unique } from '../helpers/db';
import { waitFor } from '../helpers/wait';
import { createUser } from '../helpers/factories';
import { startWorkerStack, testWorld, type WorkerStack } from '../helpers/worker';

let env: TestWorkflowEnvironment;
let orm: MikroORM;
let stack: WorkerStack;
const world = testWorld('recurring');

beforeAll(async () => {
  stack = await startWorkerStack(world);
  ({ env, orm } = stack);
});

afterAll(() => stack?.stop());

function tomorrowAtNineUtc(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, 9));
}

test('a recurring meeting is a Temporal Schedule that starts one meeting workflow per occurrence', async () => {
  const host = await createUser(orm.em.fork(), { name: 'Alice Host' });
  const { seriesId, scheduleId } = await scheduleRecurringMeeting(
    { temporal: env.client, cfg: world.cfg, taskQueue: world.taskQueue },
    {
      host,
      title: 'Stand-up',
      // 09:00 UTC (10:00 or 11:00 in Berlin) tomorrow: the hour's lead stays on the same weekday. A start just after
      // midnight fires the day before (Sunday to Thursday), as test/unit/recurrence-spec.test.ts checks.
      firstStart: tomorrowAtNineUtc(),
      timeZone: 'Europe/Berlin',
      durationMinutes: 15,
      invitees: [{ email: `${unique('bob')}@example.test` }],
      recurrence: { frequency: 'weekdays', count: 10 },
      leadMinutes: 60,
      settings: { reminderMinutesBefore: 0 },
    },
  );
  const schedule = env.client.schedule.getHandle(scheduleId);
  try {
    const description = await schedule.describe();
    expect(description.state.remainingActions).toBe(10);
    expect(description.spec.calendars?.[0].dayOfWeek).toEqual(['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'].map((day) => ({ start: day, end: day, step: 1 })));

    // Fire one occurrence now instead of waiting for the calendar.
    await schedule.trigger();
    const rooms = await occurrencesOf(seriesId);
    expect(rooms).toHaveLength(1);
    const [room] = rooms;
    expect(room.type).toBe('recurring');
    // The occurrence starts `leadMinutes` after the schedule fired.
    expect(Math.abs(room.scheduledStartTime!.getTime() - (Date.now() + 3_600_000))).toBeLessThan(90_000);

    const meeting = env.client.workflow.getHandle(room.workflowId!);
    expect(await waitForPhase(meeting, ['waiting'], 20_000)).toBe('waiting');
    expect((await meeting.query(statusQuery)).invitations).toHaveLength(1);
    await meeting.executeUpdate(cancelUpdate, { args: ['test over'] });
  } finally {
    await schedule.delete();
  }
});

test('an occurrence starts at the Schedule\'s time plus the lead, not at the time the run happened to start (a late or backfilled run)', async () => {
  const host = await createUser(orm.em.fork(), { name: 'Alice Host' });
  // Daily at a time two days ago; the backfill below makes the Schedule run that day's action now, late.
  const firstStart = new Date(Math.floor((Date.now() - 3 * 86_400_000) / 60_000) * 60_000);
  const { seriesId, scheduleId } = await scheduleRecurringMeeting(
    { temporal: env.client, cfg: world.cfg, taskQueue: world.taskQueue },
    { host, title: 'Late stand-up', firstStart, timeZone: 'UTC', durationMinutes: 15, invitees: [], recurrence: { frequency: 'daily', count: 10 }, leadMinutes: 60, settings: { reminderMinutesBefore: 0 } },
  );
  const schedule = env.client.schedule.getHandle(scheduleId);
  try {
    const fireTime = firstStart.getTime() + 86_400_000 - 60 * 60_000;
    await schedule.backfill([{ start: new Date(fireTime - 30_000), end: new Date(fireTime + 30_000) }]);
    const rooms = await occurrencesOf(seriesId);
    expect(rooms).toHaveLength(1);
    expect(rooms[0].scheduledStartTime?.toISOString()).toBe(new Date(fireTime + 60 * 60_000).toISOString());
    // The occurrence writes its room before it starts the meeting's workflow: end the workflow once it exists.
    const meeting = env.client.workflow.getHandle(rooms[0].workflowId!);
    await waitFor('the occurrence\'s meeting workflow', async () => Boolean(await meeting.describe()), 15_000);
    await meeting.terminate('test over');
  } finally {
    await schedule.delete();
  }
});

/** The series' occurrences, once there is one (the Schedule's run writes it), or none after 20 s. */
async function occurrencesOf(seriesId: string): Promise<RoomEntity[]> {
  const deadline = Date.now() + 20_000;
  let rooms: RoomEntity[] = [];
  while (rooms.length === 0 && Date.now() < deadline) {
    rooms = await orm.em.fork().find(Room, { tags: { $contains: [`series:${seriesId}`] } });
    if (!rooms.length) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return rooms;
}
