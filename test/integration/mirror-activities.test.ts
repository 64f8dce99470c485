import type { MikroORM } from '@mikro-orm/postgresql';
import { Participant, Recording, Room, User } from '../../db/entities';
import { openTestOrm, unique } from '../helpers/db';
import { createRoom, createUser } from '../helpers/factories';
import { testActivities, testWorld } from '../helpers/worker';

let orm: MikroORM;
let activities: ReturnType<typeof testActivities>;

beforeAll(async () => {
  orm = await openTestOrm();
  activities = testActivities(orm, testWorld('mirror-activities'));
});

afterAll(async () => {
  await orm.close();
});

describe('the workflow’s writes into the database, each one statement', () => {
  it('setMeetingPhase stores the phase, the times and the mirror, and the duration from start to end', async () => {
    const room = await createRoom(orm.em.fork(), await createUser(orm.em.fork()));
    await activities.setMeetingPhase({ roomId: room.id, phase: 'live', startedAt: '2026-12-02T10:00:00.000Z', mirror: { sequence: 2, recordings: [] } });
    await activities.setMeetingPhase({ roomId: room.id, phase: 'processing', endedAt: '2026-12-02T10:31:15.400Z' });
    const stored = await orm.em.fork().findOneOrFail(Room, room.id);
    expect([stored.status, stored.startedAt?.toISOString(), stored.endedAt?.toISOString(), stored.duration]).toEqual(['processing', '2026-12-02T10:00:00.000Z', '2026-12-02T10:31:15.400Z', 1875]);
    expect(stored.workflowState).toEqual({ sequence: 2, recordings: [] });
    await expect(activities.setMeetingPhase({ roomId: '00000000-0000-4000-8000-000000000000', phase: 'live' })).rejects.toThrow('not found');
  });

  it('recordParticipants keeps the first join, writes the rest as given, and counts who is present', async () => {
    const room = await createRoom(orm.em.fork(), await createUser(orm.em.fork()));
    const email = `${unique('joiner')}@example.test`;
    const joined = { identity: email, name: 'Joiner', present: true, joinedAt: '2026-12-02T10:01:00.000Z', seconds: 0 };
    await activities.recordParticipants({ roomId: room.id, participants: [joined], count: 2 });
    await activities.recordParticipants({ roomId: room.id, participants: [{ ...joined, present: false, joinedAt: '2026-12-02T10:05:00.000Z', leftAt: '2026-12-02T10:20:00.000Z', seconds: 899.6 }], count: 1 });
    const user = await orm.em.fork().findOneOrFail(User, { email });
    const row = await orm.em.fork().findOneOrFail(Participant, { room: room.id, user: user.id });
    expect([row.status, row.joinedAt?.toISOString(), row.leftAt?.toISOString(), row.duration, row.role]).toEqual(['left', '2026-12-02T10:01:00.000Z', '2026-12-02T10:20:00.000Z', 900, 'participant']);
    expect((await orm.em.fork().findOneOrFail(Room, room.id)).currentParticipants).toBe(1);
  });

  it('recordRecording makes the row once, finishes it, and refuses a recording id of another meeting', async () => {
    const em = orm.em.fork();
    const host = await createUser(em);
    const [room, other] = [await createRoom(em, host), await createRoom(em, host)];
    const recordingId = unique('EG');
    const id = await activities.recordRecording({ roomId: room.id, recordingId, startedAt: '2026-12-02T10:00:00.000Z' });
    expect(await activities.recordRecording({ roomId: room.id, recordingId, startedAt: '2026-12-02T10:00:00.000Z' })).toBe(id);
    await activities.recordRecording({ roomId: room.id, recordingId, finished: { eventId: 'e1', at: '2026-12-02T10:30:00.000Z', recordingId, filePath: '/data/a.ogg', fileSize: 1234, durationSeconds: 1800 } });
    const stored = await orm.em.fork().findOneOrFail(Recording, id);
    expect([stored.status, stored.completedAt?.toISOString(), stored.filePath, stored.fileSize, stored.duration]).toEqual(['completed', '2026-12-02T10:30:00.000Z', '/data/a.ogg', 1234, 1800]);
    expect(await orm.em.fork().count(Recording, { livekitRecordingId: recordingId })).toBe(1);
    await expect(activities.recordRecording({ roomId: other.id, recordingId })).rejects.toThrow(`belongs to another meeting (${room.id})`);
  });
});
