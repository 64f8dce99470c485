import type { ActionItemEntity, MeetingSummaryEntity, ParticipantReportEntity, RoomEntity, UserEntity } from '../../db/entities';
import { resultsMessage } from '../../activities/messages/results';
import { toBlockKit } from '../../integrations/chat/slack-blocks';

const user = { id: 'u1', name: 'Ana', email: 'ana@example.test' } as UserEntity;
const room = { id: 'r1', name: 'Daily stand-up', host: user } as RoomEntity;
const report = { speakingTime: 120, speakingPercentage: 40, engagementScore: 0.7, keyContributions: [] } as unknown as ParticipantReportEntity;

function summaryOf(sections: MeetingSummaryEntity['sections']): MeetingSummaryEntity {
  return { id: 's1', generator: 'local', executiveSummary: 'The team went round the table.', decisions: [], kind: 'standup', sections } as unknown as MeetingSummaryEntity;
}

test("a stand-up's DM carries each person's yesterday / today / blockers, in the text and in the chat layout", () => {
  const summary = summaryOf([
    { key: 'yesterday', title: 'Yesterday', person: 'Ana', items: [{ text: 'Finished the login page' }] },
    { key: 'blockers', title: 'Blockers', person: 'Ben', items: [{ text: 'Waiting for the API keys' }] },
    { key: 'today', title: 'Today', person: 'Ben', items: [] },
  ]);
  const message = resultsMessage({ publicUrl: 'http://meetflow.test', timeZone: 'UTC' }, { summary, room, report, items: [] as ActionItemEntity[], user, isHost: true });
  expect(message.text).toContain('Ana: Yesterday\n• Finished the login page\nBen: Blockers\n• Waiting for the API keys');
  expect(message.text).not.toContain('Ben: Today');
  const slack = JSON.stringify(toBlockKit(message.layout!));
  expect(slack).toContain('Ben: Blockers');
});

test('a general meeting has no template sections in its DM', () => {
  const message = resultsMessage({ publicUrl: 'http://meetflow.test', timeZone: 'UTC' }, { summary: summaryOf([]), room, report, items: [], user, isHost: false });
  expect(message.text).toBe(
    'Summary of "Daily stand-up" (local summarizer)\n\nThe team went round the table.\n\nYou have no action items from this meeting.\n\nYour report:\nSpeaking time 2 min (40% of the meeting), engagement 70/100.\n\nFull summary: http://meetflow.test/meetings/r1/notes',
  );
});
