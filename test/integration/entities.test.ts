import { UniqueConstraintViolationException, type MikroORM } from '@mikro-orm/postgresql';
import {
  ActionItem,
  MeetingSummary,
  Notification,
  Participant,
  ParticipantReport,
  Recording,
  Room,
  RoomInvitation,
  Session,
  Transcript,
  User,
} from '../../db/entities';
import { openTestOrm, unique } from '../helpers/db';
import { createRoom, createUser, randomToken } from '../helpers/factories';

let orm: MikroORM;

beforeAll(async () => {
  orm = await openTestOrm();
});

afterAll(async () => {
  await orm.close();
});

/** Writes a whole meeting's worth of rows, one in every table, and returns their ids. */
async function writeMeeting() {
  const em = orm.em.fork();
  const host = await createUser(em, { name: 'Ada Host', notificationPreferences: { slack: true, timeZone: 'Europe/Berlin' } });
  const guest = await createUser(em, { name: 'Grace Guest', oauthProvider: 'slack', oauthId: unique('U') });
  const room = await createRoom(em, host, { tags: ['planning', 'q4'], settings: { autoRecord: true, language: 'en' } });
  const participant = em.create(Participant, { room, user: guest, status: 'joined', joinedAt: new Date(), duration: 1200 });
  const recording = em.create(Recording, { room, startedBy: host, livekitRecordingId: unique('EG'), fileSize: 5_000_000_000, duration: 1800 });
  const segments = [{ speaker: 'Grace Guest', start: 0, end: 4.5, text: 'We agreed to ship on Friday.' }];
  const transcript = em.create(Transcript, { recording, room, text: 'We agreed to ship on Friday.', segments, confidenceScore: 0.93, hasSpeakers: true, speakerCount: 1 });
  const summary = em.create(MeetingSummary, {
    room,
    transcript,
    executiveSummary: 'The team agreed to ship on Friday.',
    keyPoints: [{ text: 'Ship on Friday', speaker: 'Grace Guest', at: 0 }],
    decisions: [{ text: 'Ship on Friday' }],
    topics: [{ title: 'Release', keywords: ['ship', 'friday'] }],
    overallSentiment: 0.4,
  });
  const item = em.create(ActionItem, { room, summary, assignedTo: guest, position: 0, title: 'Ship it', dueDate: '2026-11-27', tags: ['release'] });
  const report = em.create(ParticipantReport, {
    room,
    participant,
    summary,
    reportContent: 'Grace spoke for 4 seconds.',
    speakingTime: 4,
    speakingPercentage: 100,
    keyContributions: [{ text: 'We agreed to ship on Friday.', at: 0 }],
    tasksAssignedCount: 1,
  });
  const session = em.create(Session, { user: host, tokenHash: randomToken(), ipAddress: '203.0.113.7', deviceInfo: { userAgent: 'jest' }, expiresAt: new Date(Date.now() + 86_400_000) });
  const invitation = em.create(RoomInvitation, { room, inviter: host, invitee: guest, inviteeEmail: guest.email, token: randomToken(), expiresAt: new Date(Date.now() + 86_400_000) });
  const notification = em.create(Notification, { user: guest, type: 'summary', title: 'Your summary', message: 'Summary of the weekly sync', data: { roomId: room.id }, idempotencyKey: unique('summary') });
  await em.flush();
  return { host, guest, room, participant, recording, transcript, summary, item, report, session, invitation, notification };
}

test('a row in every table survives a round trip with its relations, jsonb and arrays intact', async () => {
  const written = await writeMeeting();
  const em = orm.em.fork();

  const room = await em.findOneOrFail(Room, written.room.id, { populate: ['host'] });
  expect(room).toMatchObject({ tags: ['planning', 'q4'], settings: { autoRecord: true, language: 'en' }, status: 'scheduled', type: 'scheduled' });
  expect(room.host.notificationPreferences).toEqual({ slack: true, timeZone: 'Europe/Berlin' });

  const participant = await em.findOneOrFail(Participant, written.participant.id, { populate: ['user', 'room'] });
  expect([participant.user.name, participant.room.id, participant.duration]).toEqual(['Grace Guest', room.id, 1200]);

  const recording = await em.findOneOrFail(Recording, written.recording.id);
  expect(recording.fileSize).toBe(5_000_000_000);

  const transcript = await em.findOneOrFail(Transcript, { recording: written.recording.id });
  expect(transcript.segments).toEqual([{ speaker: 'Grace Guest', start: 0, end: 4.5, text: 'We agreed to ship on Friday.' }]);
  expect(transcript.confidenceScore).toBeCloseTo(0.93);

  const summary = await em.findOneOrFail(MeetingSummary, { transcript: transcript.id }, { populate: ['room'] });
  expect(summary).toMatchObject({ version: 1, generator: 'local', decisions: [{ text: 'Ship on Friday' }], topics: [{ title: 'Release', keywords: ['ship', 'friday'] }] });

  const item = await em.findOneOrFail(ActionItem, written.item.id, { populate: ['assignedTo', 'summary'] });
  expect([item.title, item.dueDate, item.tags, item.status, item.priority, item.assignedTo?.name]).toEqual(['Ship it', '2026-11-27', ['release'], 'open', 'medium', 'Grace Guest']);

  const report = await em.findOneOrFail(ParticipantReport, written.report.id, { populate: ['participant', 'summary'] });
  expect(report.keyContributions).toEqual([{ text: 'We agreed to ship on Friday.', at: 0 }]);
  expect(report.summary.id).toBe(summary.id);

  const session = await em.findOneOrFail(Session, written.session.id);
  expect([session.ipAddress, session.deviceInfo]).toEqual(['203.0.113.7', { userAgent: 'jest' }]);

  const invitation = await em.findOneOrFail(RoomInvitation, written.invitation.id, { populate: ['invitee', 'inviter'] });
  expect([invitation.status, invitation.invitee?.id, invitation.inviter.id]).toEqual(['pending', written.guest.id, written.host.id]);

  const notification = await em.findOneOrFail(Notification, written.notification.id);
  expect([notification.data, notification.isRead, notification.deliveryStatus]).toEqual([{ roomId: room.id }, false, 'pending']);
});

test('the transcript text is searchable through its stored tsvector', async () => {
  const { transcript } = await writeMeeting();
  const rows = await orm.em
    .fork()
    .getConnection()
    .execute<{ id: string }[]>(`select id from transcripts where search_vector @@ websearch_to_tsquery('english', 'shipping friday') and id = ?`, [transcript.id]);
  expect(rows).toEqual([{ id: transcript.id }]);
});

test('a duplicate unique key is refused with an error that names the constraint', async () => {
  const em = orm.em.fork();
  const email = `${unique('dup')}@example.test`;
  await createUser(em, { email });
  const second = orm.em.fork();
  second.create(User, { email, name: 'Someone else' });
  const attempt = second.flush();
  await expect(attempt).rejects.toBeInstanceOf(UniqueConstraintViolationException);
  await expect(attempt).rejects.toThrow(/users_email_unique/);
});

test('a recording has at most one transcript', async () => {
  const { recording, room } = await writeMeeting();
  const em = orm.em.fork();
  em.create(Transcript, { recording: recording.id, room: room.id, text: 'again' });
  await expect(em.flush()).rejects.toThrow(/transcripts_recording_id_unique/);
});
