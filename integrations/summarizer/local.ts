import type { MeetingSummaryResult, Summarizer, SummaryInput } from './types';
import { extractActionItems } from './action-items';
import { extractDecisions } from './decisions';
import { resolveMeetingKind } from './meeting-kinds';
import { coverTopics, executiveSummary, keyPointCount, keyPoints, purposeSentence, rankByMmr, summaryWordBudget } from './extractive';
import { ParticipantDirectory } from './participant-match';
import { scoreSentences } from './sentence-scoring';
import { splitSentences } from './sentences';
import { sentimentScore } from './sentiment';
import { templateSections } from './template-sections';
import { segmentTopics } from './topics';

/** The offline summarizer: deterministic, no network, linear-ish in the meeting's length. */
export class LocalSummarizer implements Summarizer {
  readonly name = 'local';

  async summarize(input: SummaryInput): Promise<MeetingSummaryResult> {
    return summarizeLocally(input);
  }
}

export function summarizeLocally(input: SummaryInput): MeetingSummaryResult {
  const sentences = splitSentences(input.segments);
  const meetingWords = sentences.reduce((sum, sentence) => sum + sentence.wordCount, 0);
  const scored = scoreSentences(sentences);
  const meetingEnd = input.segments.reduce((end, segment) => Math.max(end, segment.end), 0);
  const topics = segmentTopics(sentences, meetingEnd);
  const ranked = coverTopics(rankByMmr(scored, purposeSentence(scored)), topics.slice(1).map((topic) => topic.start ?? 0));
  const actionItems = extractActionItems(sentences, {
    segments: input.segments,
    directory: new ParticipantDirectory(input.participants),
    meetingDate: input.meetingDate,
    timeZone: input.timeZone ?? 'UTC',
  });
  const kind = resolveMeetingKind(input.kind, input.title, input.segments);
  return {
    executiveSummary: executiveSummary(ranked, summaryWordBudget(meetingWords), topics),
    keyPoints: keyPoints(ranked, keyPointCount(meetingWords), input.segments),
    decisions: extractDecisions(sentences, input.segments),
    topics,
    sentiment: sentimentScore(sentences),
    actionItems,
    kind,
    sections: templateSections(kind, scored, actionItems, input.segments),
    generator: 'local',
  };
}
