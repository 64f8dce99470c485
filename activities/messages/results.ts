import type { ActionItemEntity, MeetingSummaryEntity, ParticipantReportEntity, RoomEntity, UserEntity } from '../../db/entities';
import type { ChatBlock, ChatLayout } from '../../integrations/chat/types';
import { formatDuration } from './format';
import { messageKeys } from './keys';
import { summaryUrl } from './links';
import type { MessageSettings, OutgoingMessage } from './types';

const bullet = (lines: string[]) => lines.map((line) => `• ${line}`).join('\n');

function describeItem(item: ActionItemEntity, withOwner: boolean): string {
  const owner = withOwner ? ` (${item.assignedTo?.name ?? 'unassigned'})` : '';
  const due = item.dueDate ? `, due ${item.dueDate}` : '';
  return `${item.title}${owner}${due}`;
}

/** The one message a participant gets after the meeting: summary, decisions, their tasks, their report. */
export function resultsMessage(
  settings: MessageSettings,
  input: { summary: MeetingSummaryEntity; room: RoomEntity; report: ParticipantReportEntity; items: ActionItemEntity[]; user: UserEntity; isHost: boolean },
): OutgoingMessage {
  const { summary, room, report, items, user, isHost } = input;
  const mine = items.filter((item) => item.assignedTo?.id === user.id);
  const sections = [
    `Summary of "${room.name}"${summary.generator.startsWith('local') ? ' (local summarizer)' : ''}`,
    summary.executiveSummary,
    templateText(summary),
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
    `Full summary: ${summaryUrl(settings.publicUrl, room.id)}`,
  ];
  const text = sections.filter(Boolean).join('\n\n');
  const layout = resultsLayout({
    title: room.name,
    generator: summary.generator,
    summary: summary.executiveSummary,
    template: templateText(summary),
    decisions: summary.decisions.map((decision) => decision.text),
    mine: mine.map((item) => ({ id: item.id, title: item.title, due: item.dueDate })),
    all: isHost ? items.map((item) => ({ title: item.title, owner: item.assignedTo?.name ?? 'unassigned', due: item.dueDate })) : undefined,
    report: `Speaking time ${formatDuration(report.speakingTime)} (${report.speakingPercentage.toFixed(0)}%), engagement ${Math.round(report.engagementScore * 100)}/100.${report.keyContributions.length ? `\n${bullet(report.keyContributions.map((point) => point.text))}` : ''}`,
    url: summaryUrl(settings.publicUrl, room.id),
  });
  return {
    layout,
    key: messageKeys.results(summary.id, user.id),
    user,
    type: 'meeting_summary',
    title: `Summary: ${room.name}`,
    text,
    data: { roomId: room.id, summaryId: summary.id, actionItemIds: mine.map((item) => item.id) },
    actionUrl: summaryUrl(settings.publicUrl, room.id),
    channel: 'chat-or-email',
    email: { subject: `Summary: ${room.name}`, text },
  };
}

interface ResultsLayoutInput {
  title: string;
  generator: string;
  summary: string;
  /** The meeting kind's sections (a stand-up's yesterday/today/blockers per person), as text. */
  template: string;
  decisions: string[];
  mine: { id: string; title: string; due?: string | null }[];
  all?: { title: string; owner: string; due?: string | null }[];
  report: string;
  url: string;
}

function resultsLayout(input: ResultsLayoutInput): ChatLayout {
  const blocks: ChatBlock[] = [{ kind: 'heading', text: `Summary: ${input.title}` }, { kind: 'text', text: input.summary }];
  if (input.template) blocks.push({ kind: 'text', text: input.template });
  if (input.decisions.length) blocks.push({ kind: 'text', text: `*Decisions*\n${bullet(input.decisions)}` });
  blocks.push({ kind: 'divider' }, { kind: 'text', text: input.mine.length ? '*Your action items*' : 'You have no action items from this meeting.' });
  for (const item of input.mine) {
    blocks.push({ kind: 'text', text: `• ${item.title}${item.due ? ` _(due ${item.due})_` : ''}`, button: { kind: 'action', label: 'Mark done', action: 'actionItemDone', value: item.id } });
  }
  if (input.all?.length) blocks.push({ kind: 'text', text: `*All action items*\n${bullet(input.all.map((i) => `${i.title} (${i.owner}${i.due ? `, due ${i.due}` : ''})`))}` });
  blocks.push({ kind: 'divider' }, { kind: 'text', text: `*Your report*\n${input.report}` }, { kind: 'note', text: `Made by the ${input.generator} summarizer · `, link: { label: 'full summary', url: input.url } });
  return { blocks, more: input.url };
}

/** The template's sections of a kind of meeting (empty for a general one): per person where the template is. */
function templateText(summary: MeetingSummaryEntity): string {
  const filled = summary.sections.filter((section) => section.items.length);
  if (!filled.length) return '';
  return filled.map((section) => `${section.person ? `${section.person}: ` : ''}${section.title}\n${bullet(section.items.map((item) => item.text))}`).join('\n');
}
