import type { MikroORM } from '@mikro-orm/postgresql';
import { Participant, Room, RoomInvitation, Session, User } from '../../db/entities';
import { readMeetingDetail } from '../../db/meeting-status';
import { readPrepared } from '../../db/prepared';
import { createPasswordLink, createSession, findLiveSession } from '../../db/sessions';
import { findRoomWithHost } from '../../db/visibility';
import { openTestOrm, unique } from '../helpers/db';
import { createRoom, createUser, randomToken } from '../helpers/factories';

let orm: MikroORM;

beforeAll(async () => {
  orm = await openTestOrm();
});

afterAll(async () => {
  await orm.close();
});

const USER_NAME = { name: 'user-name-by-id', text: 'select name from users where id = $1' };

describe('readPrepared', () => {
  it('answers from the current rows each time it runs the same named statement', async () => {
    const em = orm.em.fork();
    const user = await createUser(em, { name: 'Before Rename' });
    expect(await readPrepared(orm.em.fork(), USER_NAME, [user.id])).toEqual([{ name: 'Before Rename' }]);
    await orm.em.fork().nativeUpdate(User, { id: user.id }, { name: 'After Rename' });
    expect(await readPrepared(orm.em.fork(), USER_NAME, [user.id])).toEqual([{ name: 'After Rename' }]);
  });

  it('inside a transaction, sees what the transaction wrote and others do not yet see', async () => {
    const user = await createUser(orm.em.fork(), { name: 'Outside' });
    await orm.em.fork().transactional(async (tx) => {
      await tx.nativeUpdate(User, { id: user.id }, { name: 'Inside' });
      expect(await readPrepared(tx, USER_NAME, [user.id])).toEqual([{ name: 'Inside' }]);
      expect(await readPrepared(orm.em.fork(), USER_NAME, [user.id])).toEqual([{ name: 'Outside' }]);
    });
  });
});

describe('findLiveSession', () => {
  it('gives the session and its user as plain values, and builds no entity', async () => {
    const user = await createUser(orm.em.fork(), { name: 'Session Owner' });
    const { token, session: created } = await createSession(orm.em.fork(), user, { userAgent: 'jest' });
    const em = orm.em.fork();
    const session = await findLiveSession(em, token);
    expect(session?.id).toBe(created.id);
    expect(session?.user).toMatchObject({ id: user.id, name: 'Session Owner', email: user.email, role: 'user', isActive: true, notificationPreferences: {} });
    expect(session?.user.createdAt).toBeInstanceOf(Date);
    expect(em.getUnitOfWork().getIdentityMap().values()).toHaveLength(0);
  });

  it('finds no session for a revoked, an expired or an unknown token, a password link, nor a deactivated user', async () => {
    const user = await createUser(orm.em.fork());
    const deactivated = await createUser(orm.em.fork());
    const ofDeactivated = await createSession(orm.em.fork(), deactivated, {});
    await orm.em.fork().nativeUpdate(User, deactivated.id, { isActive: false });
    const revoked = await createSession(orm.em.fork(), user, {});
    await orm.em.fork().nativeUpdate(Session, { id: revoked.session.id }, { revokedAt: new Date() });
    const expired = await createSession(orm.em.fork(), user, {});
    await orm.em.fork().nativeUpdate(Session, { id: expired.session.id }, { expiresAt: new Date(Date.now() - 1000) });
    const link = await createPasswordLink(orm.em.fork(), user);
    for (const token of [revoked.token, expired.token, link, unique('unknown'), ofDeactivated.token]) expect(await findLiveSession(orm.em.fork(), token)).toBeNull();
  });
});

describe('findRoomWithHost', () => {
  it('gives the room with its host, and whether the user was invited', async () => {
    const em = orm.em.fork();
    const host = await createUser(em, { name: 'Room Host' });
    const invitee = await createUser(em);
    const stranger = await createUser(em);
    const room = await createRoom(em, host);
    em.create(RoomInvitation, { room, inviter: host, invitee, inviteeEmail: invitee.email, token: randomToken(), expiresAt: new Date(Date.now() + 86_400_000) });
    await em.flush();

    const asInvitee = await findRoomWithHost(orm.em.fork(), room.id, invitee.id);
    expect(asInvitee?.room.host.name).toBe('Room Host');
    expect(asInvitee?.room.scheduledStartTime).toBeInstanceOf(Date);
    expect(asInvitee?.joinedOrInvited).toBe(true);
    expect((await findRoomWithHost(orm.em.fork(), room.id, stranger.id))?.joinedOrInvited).toBe(false);
    expect((await findRoomWithHost(orm.em.fork(), room.id, null))?.joinedOrInvited).toBe(false);
    expect(await findRoomWithHost(orm.em.fork(), '00000000-0000-4000-8000-000000000000', host.id)).toBeNull();
  });
});

describe('readMeetingDetail', () => {
  it('reads the room as the entity has it, who may see it, and its status rows, in one statement', async () => {
    const em = orm.em.fork();
    const host = await createUser(em, { name: 'Detail Host' });
    const invitee = await createUser(em, { name: 'Ivy Invitee' });
    const room = await createRoom(em, host, { tags: ['budget'], settings: { autoRecord: false }, status: 'live', startedAt: new Date('2026-12-02T09:00:00.123Z'), workflowState: { recordings: [{ recordingId: 'EG-1', status: 'finished' }], sequence: 2 } });
    em.create(RoomInvitation, { room, inviter: host, invitee, inviteeEmail: invitee.email, token: randomToken(), expiresAt: new Date(Date.now() + 86_400_000) });
    em.create(Participant, { room, user: invitee, status: 'joined', joinedAt: new Date('2026-12-02T09:01:00.000Z') });
    await em.flush();

    const detail = await readMeetingDetail(orm.em.fork(), room.id, invitee.id);
    const entity = await orm.em.fork().findOneOrFail(Room, room.id);
    expect(detail?.meeting).toEqual({
      id: room.id,
      name: entity.name,
      description: null,
      status: 'live',
      type: entity.type,
      host: { id: host.id },
      plannedDuration: null,
      duration: null,
      tags: ['budget'],
      settings: { autoRecord: false },
      workflowId: null,
      scheduledStartTime: entity.scheduledStartTime,
      startedAt: new Date('2026-12-02T09:00:00.123Z'),
      endedAt: null,
      createdAt: entity.createdAt,
    });
    expect(detail?.joinedOrInvited).toBe(true);
    expect(detail?.status).toMatchObject({
      phase: 'live',
      startedAt: '2026-12-02T09:00:00.123Z',
      participants: [{ identity: invitee.id, name: 'Ivy Invitee', joinedAt: '2026-12-02T09:01:00.000Z', present: true }],
      invitations: [{ email: invitee.email, userId: invitee.id, status: 'pending' }],
      recordings: [{ recordingId: 'EG-1', status: 'finished' }],
      sequence: 2,
    });
    expect((await readMeetingDetail(orm.em.fork(), room.id, null))?.joinedOrInvited).toBe(false);
    expect(await readMeetingDetail(orm.em.fork(), '00000000-0000-4000-8000-000000000000', host.id)).toBeNull();
  });
});
