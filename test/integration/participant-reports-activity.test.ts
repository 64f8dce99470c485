import type { MikroORM } from '@mikro-orm/postgresql';
import { MeetingSummary, Participant, ParticipantReport, Recording, Transcript } from '../../db/entities';
import { openTestOrm, unique } from '../helpers/db';
import { createRoom, createUser } from '../helpers/factories';
import { testActivities, testWorld } from '../helpers/worker';

let orm: MikroORM;
let activities: ReturnType<typeof testActivities>;

beforeAll(async () => {
  orm = await openTestOrm();
  activities = testActivities(orm, testWorld('participant-reports-activity'));
});

afterAll(async () => {
  await orm.close();
});

/** A meeting with a host and a guest who came, an invitee who did not, a transcript and its summary. */
async function summarizedMeeting(): Promise<{ summaryId: string; came: string[] }> {
  const em = orm.em.fork();
  const [host, guest, absent] = [await createUser(em, { name: 'Hana Host' }), await createUser(em, { name: 'Gus Guest' }), await createUser(em, { name: 'Ines Invited' })];
  const room = await createRoom(em, host);
  const rows = [
    em.create(Participant, { room, user: host, role: 'host', status: 'left', duration: 600 }),
    em.create(Participant, { room, user: guest, role: 'participant', status: 'left', duration: 600 }),
    em.create(Participant, { room, user: absent, role: 'participant', status: 'invited' }),
  ];
  const recording = em.create(Recording, { room, livekitRecordingId: unique('EG'), status: 'completed' });
  const segments = [
    { speaker: 'Hana Host', start: 0, end: 30, text: 'Let us review the launch plan and the budget for the next quarter.' },
    { speaker: 'Gus Guest', start: 30, end: 40, text: 'I will send the revised budget to finance by Friday.' },
  ];
  const transcript = em.create(Transcript, { room, recording, text: segments.map((segment) => segment.text).join(' '), segments });
  const summary = em.create(MeetingSummary, { room, transcript, executiveSummary: 'The launch plan and the budget.', keyPoints: [], decisions: [], topics: [], generator: 'local' });
  await em.flush();
  return { summaryId: summary.id, came: rows.slice(0, 2).map((row) => row.id) };
}

test('buildReports writes one report per person who came, and a retry rewrites the same rows', async () => {
  const { summaryId, came } = await summarizedMeeting();
  expect(await activities.buildReports({ summaryId })).toBe(2);
  expect(await activities.buildReports({ summaryId })).toBe(2);
  const reports = await orm.em.fork().find(ParticipantReport, { summary: summaryId }, { orderBy: { speakingTime: 'desc' } });
  expect(reports.map((report) => [report.participant.id, report.speakingTime])).toEqual([
    [came[0], 30],
    [came[1], 10],
  ]);
  expect(reports[0].reportContent).toContain('Spoke for');
});
