import type { Segment } from '../transcripts/types';
import type { MeetingKind } from './meeting-kinds';

export interface MeetingParticipant {
  /** Stable key (participants.id or users.id); echoed back in results. */
  id: string;
  name: string;
  email?: string;
}

export interface SummaryInput {
  segments: Segment[];
  participants: MeetingParticipant[];
  /** When the meeting happened: relative due dates ("by Friday", "next week") resolve from it. */
  meetingDate: Date;
  /** IANA zone used to resolve due dates; default 'UTC'. */
  timeZone?: string;
  title?: string;
  /** The meeting kind it was scheduled as (standup, one_on_one, planning, retro, sales_call, interview, general); inferred when unset. */
  kind?: string;
}

/** Where in the transcript something was said: the segments it comes from and their times. */
export interface TranscriptSpan {
  /** Index of the first and last segment (inclusive) in the transcript's segments. */
  firstSegment: number;
  lastSegment: number;
  /** Seconds from the start of the meeting. */
  start: number;
  end: number;
}

export interface SummaryPoint {
  text: string;
  speaker?: string;
  /** Seconds from the start. */
  at?: number;
  /** The transcript lines it came from. */
  span?: TranscriptSpan;
}

export interface SummaryTopic {
  title: string;
  keywords: string[];
  start?: number;
  end?: number;
}

export interface ExtractedActionItem {
  title: string;
  description: string;
  /** The participant id it was matched to, when the owner is one of them. */
  ownerId?: string;
  /** The owner as named in the transcript ("Alice", "the marketing person"). */
  ownerName?: string;
  /** YYYY-MM-DD */
  dueDate?: string;
  priority: 'low' | 'medium' | 'high' | 'urgent';
  type: 'task' | 'follow_up' | 'decision' | 'question';
  at?: number;
  /** The transcript lines it came from: the owner and due date are only set when these lines state them. */
  span?: TranscriptSpan;
}

/** One part of a kind's template ("What went well", or Alice's "Blockers" in a stand-up), with the lines it comes from. */
export interface SummarySection {
  key: string;
  title: string;
  /** Whose section it is, in templates read per person (a stand-up). */
  person?: string;
  items: SummaryPoint[];
}

export interface MeetingSummaryResult {
  executiveSummary: string;
  keyPoints: SummaryPoint[];
  decisions: SummaryPoint[];
  topics: SummaryTopic[];
  /** -1 (negative) .. 1 (positive) */
  sentiment: number;
  actionItems: ExtractedActionItem[];
  /** The meeting kind the summary follows (given or inferred) and its template's sections; absent from older results. */
  kind?: MeetingKind;
  sections?: SummarySection[];
  /** Which summarizer produced it: 'local' here, 'claude' for the Anthropic provider. */
  generator: string;
  /** The model that answered, when a hosted model made (or was tried for) the summary. */
  model?: string;
  /** Token counts and approximate cost of the provider calls (inputTokens, outputTokens, cacheReadTokens, cacheCreationTokens, costUsd). */
  usage?: Record<string, number>;
}

export interface ParticipantReportResult {
  participantId: string;
  name: string;
  /** Seconds. */
  speakingTime: number;
  /** 0..100 */
  speakingPercentage: number;
  /** 0..1 */
  engagementScore: number;
  keyContributions: SummaryPoint[];
  tasksAssignedCount: number;
  /** Human-readable report (a few lines of plain text / Markdown). */
  reportContent: string;
}

/** The provider interface a summarizer implements (the local one now; Claude later). */
export interface Summarizer {
  readonly name: string;
  /** A cheap call that fails when the provider cannot be used (credentials, reachability); for /ready. */
  check?(): Promise<void>;
  /** `signal` aborts the provider's requests (the activity was cancelled: the worker is shutting down). */
  summarize(input: SummaryInput, signal?: AbortSignal): Promise<MeetingSummaryResult>;
}
