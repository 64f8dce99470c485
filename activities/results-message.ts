import type { ActionItemEntity, MeetingSummaryEntity, ParticipantReportEntity, RoomEntity, UserEntity } from '../db/entities';
import { resultsBlocks } from '../integrations/chat/slack-blocks';
import type { ActivityContext } from './context';
import type { OutgoingMessage } from './delivery';
import { formatDuration } from './format';
import { meetingUrl } from './meetings';

const bullet = (lines: string[]) => lines.map((line) => `• ${line}`).join('\n');

function describeItem(item: ActionItemEntity, withOwner: boolean): string {
  const owner = withOwner ? ` (${item.assignedTo?.name ?? 'unassigned'})` : '';
  const due = item.dueDate ? `, due ${item.dueDate}` : '';
  return `${item.title}${owner}${due}`;
}

/** The one message a participant gets after the meeting: summary, decisions, their tasks, their report. */
export function resultsMessage(
  ctx: ActivityContext,
  input: { summary: MeetingSummaryEntity; room: RoomEntity; report: ParticipantReportEntity; items: ActionItemEntity[]; user: UserEntity; isHost: boolean },
): OutgoingMessage {
  const { summary, room, report, items, user, isHost } = input;
  const mine = items.filter((item) => item.assignedTo?.id === user.id);
  const sections = [
    `Summary of "${room.name}"${summary.generator.startsWith('local') ? ' (local summarizer)' : ''}`,
    summary.executiveSummary,
    summary.decisions.length ? `Decisions:\n${bullet(summary.decisions.map((decision) => decision.text))}` : '',
    mine.length ? `Your action items:\n${bullet(mine.map((item) => describeItem(item, false)))}` : 'You have no action items from this meeting.',
    isHost && items.length ? `All action items:\n${bullet(items.map((item) => describeItem(item, true)))}` : '',
    [
      'Your report:',
      `Speaking time ${formatDuration(report.speakingTime)} (${report.speakingPercentage.toFixed(0)}% of the meeting), engagement ${Math.round(report.engagementScore * 100)}/100.`,
      report.keyContributions.length ? `Key contributions:\n${bullet(report.keyContributions.map((point) => point.text))}` : '',
    ]
      .filter(Boolean)
      .join('\n'),
    `Full summary: ${meetingUrl(ctx, room.id)}/summary`,
  ];
  const text = sections.filter(Boolean).join('\n\n');
  const blocks = resultsBlocks({
    title: room.name,
    generator: summary.generator,
    summary: summary.executiveSummary,
    decisions: summary.decisions.map((decision) => decision.text),
    mine: mine.map((item) => ({ id: item.id, title: item.title, due: item.dueDate })),
    all: isHost ? items.map((item) => ({ title: item.title, owner: item.assignedTo?.name ?? 'unassigned', due: item.dueDate })) : undefined,
    report: `Speaking time ${formatDuration(report.speakingTime)} (${report.speakingPercentage.toFixed(0)}%), engagement ${Math.round(report.engagementScore * 100)}/100.${report.keyContributions.length ? `\n${bullet(report.keyContributions.map((point) => point.text))}` : ''}`,
    url: `${meetingUrl(ctx, room.id)}/summary`,
  });
  return {
    blocks,
    key: `results:${summary.id}:${user.id}`,
    user,
    type: 'meeting_summary',
    title: `Summary: ${room.name}`,
    text,
    data: { roomId: room.id, summaryId: summary.id, actionItemIds: mine.map((item) => item.id) },
    actionUrl: `${meetingUrl(ctx, room.id)}/summary`,
    channel: 'chat-or-email',
    email: { subject: `Summary: ${room.name}`, text },
  };
}
