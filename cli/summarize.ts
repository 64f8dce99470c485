import { parseTranscriptFile } from '../integrations/transcripts/parse';
import { summarizeLocally } from '../integrations/summarizer/local';
import { buildParticipantReports } from '../integrations/summarizer/reports';
import type { MeetingSummaryResult, ParticipantReportResult } from '../integrations/summarizer/types';
import { formatDuration } from '../activities/messages/format';

export interface SummarizeOutput {
  summary: Omit<MeetingSummaryResult, 'actionItems'>;
  actionItems: MeetingSummaryResult['actionItems'];
  participants: ParticipantReportResult[];
}

/** Summary, action items and participant reports of a transcript file, offline (no services). */
export async function summarizeFile(file: string, meetingDate = new Date()): Promise<SummarizeOutput> {
  const transcript = await parseTranscriptFile(file);
  if (transcript.segments.length === 0) throw new Error(`${file} has no speech to summarize`);
  const participants = transcript.speakers.map((speaker) => ({ id: speaker, name: speaker }));
  const result = summarizeLocally({ segments: transcript.segments, participants, meetingDate, timeZone: 'UTC' });
  const { actionItems, ...summary } = result;
  return { summary, actionItems, participants: buildParticipantReports(transcript.segments, participants, result) };
}

export function printSummary(output: SummarizeOutput): void {
  const { summary, actionItems, participants } = output;
  const lines = [
    'Summary',
    `  ${summary.executiveSummary}`,
    '',
    'Key points',
    ...summary.keyPoints.map((point) => `  • ${point.text}${point.speaker ? ` (${point.speaker})` : ''}`),
    '',
    'Decisions',
    ...(summary.decisions.length ? summary.decisions.map((decision) => `  • ${decision.text}`) : ['  (none found)']),
    '',
    'Topics',
    ...summary.topics.map((topic) => `  • ${topic.title}: ${topic.keywords.join(', ')}`),
    '',
    `Sentiment ${summary.sentiment.toFixed(2)} (-1 negative … 1 positive)`,
    '',
    'Action items',
    ...(actionItems.length
      ? actionItems.map((item) => `  • ${item.title} (${item.ownerName ?? 'unassigned'}${item.dueDate ? `, due ${item.dueDate}` : ''}, ${item.priority})`)
      : ['  (none found)']),
    '',
    'Participants',
    ...participants.map(
      (p) => `  • ${p.name}: spoke ${formatDuration(p.speakingTime)} (${p.speakingPercentage.toFixed(0)}%), engagement ${Math.round(p.engagementScore * 100)}/100, ${p.tasksAssignedCount} task(s)`,
    ),
  ];
  console.log(lines.join('\n'));
}
