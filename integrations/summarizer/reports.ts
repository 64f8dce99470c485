import type { Segment } from '../transcripts/types';
import { condensed } from './compression';
import type { MeetingParticipant, MeetingSummaryResult, ParticipantReportResult, SummaryPoint } from './types';
import { ParticipantDirectory } from './participant-match';
import { scoreSentences } from './sentence-scoring';
import { splitSentences, type Sentence } from './sentences';

const MAX_KEY_CONTRIBUTIONS = 3;
const CONTRIBUTIONS_FOR_FULL_CREDIT = 3;

interface SpeechStats {
  seconds: number;
  turns: number;
  questions: number;
  /** Key points and decisions of the summary that this person said. */
  summaryMentions: number;
  keyContributions: SummaryPoint[];
}

/**
 * One report per participant, in the order given; people who never spoke get zeros.
 *
 * Engagement score, in [0, 1]:
 *   0.5 × min(1, speaking share / equal share)             (equal share = 1 / number of participants)
 * + 0.3 × min(1, turns / median turns of those who spoke)
 * + 0.2 × min(1, (questions asked + summary key points and decisions they said) / 3)
 * So someone who talks their fair share, takes the floor as often as a typical speaker and asks or
 * contributes a few notable things scores 1; a participant who never spoke scores 0.
 */
export function buildParticipantReports(
  segments: Segment[],
  participants: MeetingParticipant[],
  summary: MeetingSummaryResult,
): ParticipantReportResult[] {
  const directory = new ParticipantDirectory(participants);
  const stats = collectStats(segments, directory, summary);
  const totalSeconds = segments.reduce((sum, segment) => sum + duration(segment), 0);
  const medianTurns = median([...stats.values()].map((entry) => entry.turns).filter((turns) => turns > 0));
  return participants.map((participant) => {
    const entry = stats.get(participant.id) ?? emptyStats();
    const share = totalSeconds > 0 ? entry.seconds / totalSeconds : 0;
    const tasks = summary.actionItems.filter((item) => item.ownerId === participant.id);
    const report = {
      participantId: participant.id,
      name: participant.name,
      speakingTime: round(entry.seconds, 1),
      speakingPercentage: round(share * 100, 1),
      engagementScore: engagementScore(entry, share, participants.length, medianTurns),
      keyContributions: entry.keyContributions,
      tasksAssignedCount: tasks.length,
    };
    return { ...report, reportContent: reportText(report, entry, tasks) };
  });
}

function collectStats(segments: Segment[], directory: ParticipantDirectory, summary: MeetingSummaryResult): Map<string, SpeechStats> {
  const stats = new Map<string, SpeechStats>();
  const statsFor = (speaker: string | undefined): SpeechStats | undefined => {
    const participant = speaker === undefined ? undefined : directory.find(speaker);
    if (!participant) return undefined;
    if (!stats.has(participant.id)) stats.set(participant.id, emptyStats());
    return stats.get(participant.id);
  };
  for (const segment of segments) {
    const entry = statsFor(segment.speaker);
    if (!entry) continue;
    entry.seconds += duration(segment);
    entry.turns++;
  }
  const sentences = splitSentences(segments);
  for (const sentence of sentences.filter((candidate) => candidate.isQuestion && !candidate.isBackchannel)) {
    const entry = statsFor(sentence.speaker);
    if (entry) entry.questions++;
  }
  for (const point of [...summary.keyPoints, ...summary.decisions]) {
    const entry = statsFor(point.speaker);
    if (entry) entry.summaryMentions++;
  }
  addKeyContributions(sentences, statsFor);
  return stats;
}

/**
 * Each speaker's most central sentences by the summarizer's own scoring, at most three, in meeting order, condensed
 * as key points are (without hedges).
 */
function addKeyContributions(sentences: Sentence[], statsFor: (speaker: string) => SpeechStats | undefined): void {
  const ranked = [...scoreSentences(sentences)].sort((a, b) => b.score - a.score || a.sentence.index - b.sentence.index);
  const touched = new Set<SpeechStats>();
  for (const { sentence } of ranked) {
    const entry = statsFor(sentence.speaker);
    if (!entry || entry.keyContributions.length >= MAX_KEY_CONTRIBUTIONS) continue;
    entry.keyContributions.push({ text: condensed(sentence.display), speaker: sentence.speaker, at: sentence.at });
    touched.add(entry);
  }
  for (const entry of touched) entry.keyContributions.sort((a, b) => (a.at ?? 0) - (b.at ?? 0));
}

function engagementScore(entry: SpeechStats, share: number, participantCount: number, medianTurns: number): number {
  if (entry.turns === 0) return 0;
  const talk = Math.min(1, share * Math.max(1, participantCount));
  const turns = Math.min(1, entry.turns / Math.max(1, medianTurns));
  const contributions = Math.min(1, (entry.questions + entry.summaryMentions) / CONTRIBUTIONS_FOR_FULL_CREDIT);
  return round(0.5 * talk + 0.3 * turns + 0.2 * contributions, 2);
}

function reportText(
  report: Omit<ParticipantReportResult, 'reportContent'>,
  entry: SpeechStats,
  tasks: MeetingSummaryResult['actionItems'],
): string {
  const lines = [`## ${report.name}`];
  if (entry.turns === 0) lines.push('- Did not speak in this meeting.');
  else {
    lines.push(
      `- Spoke for ${formatDuration(report.speakingTime)} (${report.speakingPercentage}% of the meeting's speech) in ${entry.turns} turn${entry.turns === 1 ? '' : 's'}, asking ${entry.questions} question${entry.questions === 1 ? '' : 's'}.`,
      `- Engagement: ${report.engagementScore.toFixed(2)} / 1.`,
    );
  }
  if (report.keyContributions.length > 0) {
    lines.push('- Key contributions:', ...report.keyContributions.map((point) => `  - "${point.text}" (at ${formatClock(point.at ?? 0)})`));
  }
  lines.push(tasks.length === 0 ? '- No tasks assigned.' : `- Tasks assigned (${tasks.length}):`);
  lines.push(...tasks.map((task) => `  - ${task.title}${task.dueDate ? ` (due ${task.dueDate})` : ''}`));
  return lines.join('\n');
}

function emptyStats(): SpeechStats {
  return { seconds: 0, turns: 0, questions: 0, summaryMentions: 0, keyContributions: [] };
}

function duration(segment: Segment): number {
  return Math.max(0, segment.end - segment.start);
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function formatDuration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds % 60);
  return minutes > 0 ? `${minutes} min ${rest} s` : `${rest} s`;
}

function formatClock(seconds: number): string {
  const whole = Math.floor(seconds);
  const [h, m, s] = [Math.floor(whole / 3600), Math.floor((whole % 3600) / 60), whole % 60];
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}
