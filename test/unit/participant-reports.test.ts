import { summarizeLocally } from '../../integrations/summarizer/local';
import { buildParticipantReports } from '../../integrations/summarizer/reports';
import { INPUT, PARTICIPANTS, SEGMENTS } from './meeting-sample';

describe('buildParticipantReports', () => {
  const summary = summarizeLocally(INPUT);
  const reports = buildParticipantReports(SEGMENTS, PARTICIPANTS, summary);
  const reportOf = (id: string) => {
    const report = reports.find((candidate) => candidate.participantId === id);
    if (!report) throw new Error(`no report for ${id}`);
    return report;
  };

  it('gives one report per participant, in the order given', () => {
    expect(reports.map((report) => [report.participantId, report.name])).toEqual(PARTICIPANTS.map((p) => [p.id, p.name]));
  });

  it('adds up speaking time from the segments, matching labels to participants by name', () => {
    const seconds = (label: string) =>
      SEGMENTS.filter((segment) => segment.speaker === label).reduce((sum, segment) => sum + segment.end - segment.start, 0);
    expect(reportOf('u-alice').speakingTime).toBe(seconds('Alice'));
    expect(reportOf('u-bob').speakingTime).toBe(seconds('Bob Brown'));
    expect(reportOf('u-carol').speakingTime).toBe(seconds('Carol'));
  });

  it('gives speaking percentages that sum to 100', () => {
    const total = reports.reduce((sum, report) => sum + report.speakingPercentage, 0);
    expect(total).toBeCloseTo(100, 0);
  });

  it('gives a participant who never spoke zeros and says so', () => {
    expect(reportOf('u-dave')).toMatchObject({ speakingTime: 0, speakingPercentage: 0, engagementScore: 0, keyContributions: [], tasksAssignedCount: 0 });
    expect(reportOf('u-dave').reportContent).toContain('Did not speak in this meeting.');
  });

  it('counts the action items each participant owns', () => {
    for (const participant of PARTICIPANTS) {
      const owned = summary.actionItems.filter((item) => item.ownerId === participant.id).length;
      expect(reportOf(participant.id).tasksAssignedCount).toBe(owned);
    }
    expect(reportOf('u-bob').tasksAssignedCount).toBe(2);
    expect(reportOf('u-bob').reportContent).toContain('Tasks assigned (2):');
  });

  it('keeps engagement in [0, 1] and lists 1 to 3 key contributions said by the speaker', () => {
    for (const id of ['u-alice', 'u-bob', 'u-carol']) {
      const report = reportOf(id);
      expect(report.engagementScore).toBeGreaterThan(0);
      expect(report.engagementScore).toBeLessThanOrEqual(1);
      expect(report.keyContributions.length).toBeGreaterThanOrEqual(1);
      expect(report.keyContributions.length).toBeLessThanOrEqual(3);
    }
    expect(reportOf('u-bob').keyContributions.every((point) => point.speaker === 'Bob Brown')).toBe(true);
  });

  it('quotes a contribution as key points are quoted: without the hedges around it', () => {
    const segments = [
      { speaker: 'Ida', start: 0, end: 30, text: 'I guess what people want is a remote control with fewer buttons and a bigger screen for the menus.' },
      { speaker: 'Jon', start: 30, end: 40, text: 'The battery budget allows a bigger screen.' },
    ];
    const participants = [{ id: 'u-ida', name: 'Ida' }, { id: 'u-jon', name: 'Jon' }];
    const [ida] = buildParticipantReports(segments, participants, summarizeLocally({ segments, participants, meetingDate: new Date('2026-11-25T10:00:00Z') }));
    expect(ida.keyContributions.map((point) => point.text)).toEqual(['What people want is a remote control with fewer buttons and a bigger screen for the menus.']);
  });

  it('writes a readable report', () => {
    const content = reportOf('u-alice').reportContent;
    expect(content).toMatch(/^## Alice Smith\n- Spoke for \d+ min \d+ s \([\d.]+% of the meeting's speech\) in 7 turns, asking 3 questions\./);
    expect(content).toContain('Send the launch checklist to the whole team (due 2026-11-27)');
  });
});
