import { consentsOf } from '../db/consent';
import { consentDefault } from './consent';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import {
  ActionItem,
  MeetingSummary,
  Participant,
  ParticipantReport,
  Recording,
  RecordingTrack,
  Room,
  Transcript,
  type MeetingSummaryEntity,
  type ParticipantEntity,
} from '../db/entities';
import { buildParticipantReports } from '../integrations/summarizer/reports';
import { RetryableProviderError } from '../integrations/summarizer/errors';
import { summarizeWithFallback } from '../integrations/summarizer/fallback';
import type { MeetingParticipant, MeetingSummaryResult, SummaryInput } from '../integrations/summarizer/types';
import { UntranscribableError, type TrackAudio } from '../integrations/transcription/types';
import type { ActivityContext } from './context';
import { deliverOnce } from './delivery';
import { resultsMessage } from './messages/results';

export interface SummaryOutcome {
  summaryId: string;
  version: number;
  generator: string;
  /** Items with an owner and a due date: each gets a durable reminder. */
  reminders: { actionItemId: string; dueDate: string }[];
  /** Items of earlier versions this one replaced that had reminders: the workflow closes those. */
  retiredReminders?: string[];
}

/** The kind a meeting was scheduled as (`settings.meetingKind`), when it was; the summarizer infers it otherwise. */
function meetingKindSetting(settings: Record<string, unknown>): string | undefined {
  return typeof settings.meetingKind === 'string' ? settings.meetingKind : undefined;
}

/** Participants as the summarizer sees them: id = participants.id, name = the user's name. */
async function meetingParticipants(ctx: ActivityContext, roomId: string): Promise<{ rows: ParticipantEntity[]; people: MeetingParticipant[] }> {
  const rows = await ctx.orm.em.fork().find(Participant, { room: roomId }, { populate: ['user'], orderBy: { createdAt: 'asc' } });
  return { rows, people: rows.map((row) => ({ id: row.id, name: row.user.name, email: row.user.email })) };
}

/** The participants the recorder may record (their consent, else the org default). */
async function recordedPeople(ctx: ActivityContext, roomId: string, rows: ParticipantEntity[], people: MeetingParticipant[]): Promise<MeetingParticipant[]> {
  const consents = await consentsOf(ctx.orm.em.fork(), roomId);
  const recorded = (row: ParticipantEntity) => consents.get(row.user.id) ?? consentDefault(ctx) === 'opt-out';
  const kept = new Set(rows.filter(recorded).map((row) => row.id));
  return people.filter((person) => kept.has(person.id));
}

export function createPipelineActivities(ctx: ActivityContext) {
  const em = () => ctx.orm.em.fork();

  return {
    /** Transcribes a finished recording once (a transcript per recording); a recording without speech fails for good. */
    async transcribeRecording(input: { roomId: string; recordingId: string }): Promise<{ transcriptId: string; segments: number; speakers: number }> {
      const db = em();
      const recording = await db.findOneOrFail(Recording, { livekitRecordingId: input.recordingId, room: input.roomId }, { populate: ['room'] });
      const existing = await db.findOne(Transcript, { recording: recording.id });
      if (existing) return { transcriptId: existing.id, segments: existing.segments.length, speakers: existing.speakerCount };

      const participants = await db.count(Participant, { room: input.roomId, status: { $ne: 'invited' } });
      const tracks = await trackAudio(db, recording.id);
      // The provider's progress goes out with the heartbeats (the Temporal UI shows it; the SDK throttles them), and
      // so do the recognitions it started: heartbeat details outlive the attempt, so a retry follows them on
      // instead of starting recognition again.
      const activity = Context.current();
      let progress = 0;
      const operations: Record<string, string> = { ...(activity.info.heartbeatDetails as { operations?: Record<string, string> } | undefined)?.operations };
      const { startToCloseTimeoutMs, currentAttemptScheduledTimestampMs } = activity.info;
      const transcript = await heartbeating(
        ctx.providers.transcription.transcribe({
          recordingId: input.recordingId,
          filePath: recording.filePath ?? undefined,
          fileUrl: recording.fileUrl ?? undefined,
          language: String(recording.room.settings.language ?? 'en'),
          speakerCountHint: (tracks.length ? new Set(tracks.map((track) => track.speaker)).size : participants) || undefined,
          ...(tracks.length ? { tracks } : {}),
          onProgress: (fraction) => {
            progress = fraction;
            activity.heartbeat({ progress, operations });
          },
          operations,
          onOperation: (source, name) => {
            operations[source] = name;
            activity.heartbeat({ progress, operations });
          },
          // A minute before Temporal would time the attempt out, so the provider gives up with its own reason.
          giveUpAt: currentAttemptScheduledTimestampMs + startToCloseTimeoutMs - 60_000,
          signal: activity.cancellationSignal,
        }),
        () => ({ progress, operations }),
      ).catch((error: unknown) => {
        if (error instanceof UntranscribableError) throw ApplicationFailure.nonRetryable(error.message, 'Untranscribable');
        throw error;
      });
      if (transcript.segments.length === 0 || transcript.text.trim() === '') {
        throw ApplicationFailure.nonRetryable(`recording ${input.recordingId} has no speech: its transcript is empty`, 'EmptyTranscript');
      }
      const attendees = await db.find(Participant, { room: input.roomId, status: { $ne: 'invited' } }, { populate: ['user'], orderBy: { joinedAt: 'asc' } });
      const speakerMap = matchSpeakers(transcript.speakers, attendees.map((row) => row.user.name));
      const named = (label: string) => speakerMap[label] ?? label;
      await db
        .createQueryBuilder(Transcript)
        .insert({
          recording: recording.id,
          room: input.roomId,
          text: Object.keys(speakerMap).length ? transcript.segments.map((segment) => `${named(segment.speaker)}: ${segment.text}`).join('\n') : transcript.text,
          language: transcript.language,
          segments: transcript.segments.map((segment) => ({ ...segment, speaker: named(segment.speaker) })),
          words: transcript.words.map((word) => (word.speaker ? { ...word, speaker: named(word.speaker) } : word)),
          confidenceScore: transcript.confidence,
          hasSpeakers: transcript.speakers.length > 0,
          speakerCount: transcript.speakers.length,
          speakerMap,
        })
        .onConflict('recording_id')
        .ignore()
        .execute();
      const saved = await db.findOneOrFail(Transcript, { recording: recording.id });
      return { transcriptId: saved.id, segments: saved.segments.length, speakers: saved.speakerCount };
    },

    /**
     * Summarizes a transcript and stores the summary with its action items in one transaction, keyed by
     * (transcript, version) and (summary, position): a retry finds them and writes nothing new.
     * version = 'next' makes a new version (a re-run) and keeps the earlier ones.
     */
    async summarizeTranscript(input: { transcriptId: string; version?: number | 'next' }): Promise<SummaryOutcome> {
      const db = em();
      const transcript = await db.findOneOrFail(Transcript, input.transcriptId, { populate: ['room'] });
      // 'next' is resolved here only for re-runs started before the workflow resolved it once (nextSummaryVersion).
      const version = input.version === 'next' ? await nextVersionOf(db, transcript.id) : (input.version ?? 1);
      const existing = await db.findOne(MeetingSummary, { transcript: transcript.id, version });
      if (existing) return outcomeOf(ctx, existing);
      if (transcript.purgedAt) {
        throw ApplicationFailure.nonRetryable(`transcript ${transcript.id} was emptied by the retention policy on ${transcript.purgedAt.toISOString().slice(0, 10)}: nothing to summarize`, 'TranscriptPurged');
      }

      const { rows, people: everyone } = await meetingParticipants(ctx, transcript.room.id);
      // Someone who was not recorded is not named to the summarizer either (issue 17): nothing is attributed to them.
      const people = await recordedPeople(ctx, transcript.room.id, rows, everyone);
      // Heartbeats, so a worker that dies mid-summary is noticed in seconds, not at the 10-minute timeout.
      const result = await heartbeating(
        summarizeOrFallBack(ctx, {
          segments: transcript.segments,
          participants: people,
          meetingDate: transcript.room.startedAt ?? transcript.room.scheduledStartTime ?? transcript.createdAt,
          timeZone: ctx.timeZone,
          title: transcript.room.name,
          kind: meetingKindSetting(transcript.room.settings),
        }),
      );
      const userOf = new Map(rows.map((row) => [row.id, row.user]));
      const totalSpeaking = Math.round(transcript.segments.reduce((sum, segment) => sum + Math.max(0, segment.end - segment.start), 0));

      const summary = await db.transactional(async (tx) => {
        const row = tx.create(MeetingSummary, {
          room: transcript.room.id,
          transcript: transcript.id,
          version,
          executiveSummary: result.executiveSummary,
          keyPoints: result.keyPoints,
          decisions: result.decisions,
          topics: result.topics,
          kind: result.kind,
          sections: result.sections ?? [],
          overallSentiment: result.sentiment,
          totalSpeakingTime: totalSpeaking,
          generator: result.generator,
          model: result.model,
          usage: result.usage,
        });
        result.actionItems.forEach((item, position) =>
          tx.create(ActionItem, {
            room: transcript.room.id,
            summary: row,
            assignedTo: item.ownerId ? userOf.get(item.ownerId) : undefined,
            position,
            title: item.title.slice(0, 500),
            description: item.description,
            type: item.type,
            priority: item.priority,
            dueDate: item.dueDate,
            source: item.span,
          }),
        );
        return row;
      });
      await retireEarlierVersions(db, summary);
      return outcomeOf(ctx, summary);
    },

    /** The version a re-run writes, resolved once by the workflow (a retried summary must not write N+2). */
    async nextSummaryVersion(input: { transcriptId: string }): Promise<number> {
      return nextVersionOf(em(), input.transcriptId);
    },

    /** One report per participant and summary (the natural key); a retry rewrites the same rows. */
    async buildReports(input: { summaryId: string }): Promise<number> {
      const db = em();
      const summary = await db.findOneOrFail(MeetingSummary, input.summaryId, { populate: ['transcript', 'room'] });
      const all = await meetingParticipants(ctx, summary.room.id);
      // Reports (and result messages) are for the people who came; invitees who never joined get none.
      const attended = all.rows.filter((row) => row.status !== 'invited');
      const rows = attended.length ? attended : all.rows;
      const people = all.people.filter((person) => rows.some((row) => row.id === person.id));
      const items = await db.find(ActionItem, { summary: summary.id }, { populate: ['assignedTo'] });
      const participantOfUser = new Map(rows.map((row) => [row.user.id, row.id]));
      const reports = buildParticipantReports(summary.transcript.segments, people, {
        executiveSummary: summary.executiveSummary,
        keyPoints: summary.keyPoints,
        decisions: summary.decisions,
        topics: summary.topics,
        sentiment: summary.overallSentiment ?? 0,
        generator: summary.generator,
        actionItems: items.map((item) => ({
          title: item.title,
          description: item.description ?? '',
          ownerId: item.assignedTo ? participantOfUser.get(item.assignedTo.id) : undefined,
          priority: item.priority,
          type: item.type,
        })),
      });
      // Every report in one statement (one round trip for the meeting, not one per person).
      if (reports.length) {
        await db
          .createQueryBuilder(ParticipantReport)
          .insert(
            reports.map((report) => ({
              room: summary.room.id,
              participant: report.participantId,
              summary: summary.id,
              reportContent: report.reportContent,
              speakingTime: Math.round(report.speakingTime),
              speakingPercentage: report.speakingPercentage,
              engagementScore: report.engagementScore,
              keyContributions: report.keyContributions,
              tasksAssignedCount: report.tasksAssignedCount,
            })),
          )
          .onConflict(['summary_id', 'participant_id'])
          .merge(['reportContent', 'speakingTime', 'speakingPercentage', 'engagementScore', 'keyContributions', 'tasksAssignedCount'])
          .execute();
      }
      const engagement = reports.length ? reports.reduce((sum, report) => sum + report.engagementScore, 0) / reports.length : null;
      await db.nativeUpdate(MeetingSummary, summary.id, { engagementScore: engagement });
      return reports.length;
    },

    /** Each participant gets one message with the summary, their action items and their report; exactly once. */
    async deliverResults(input: { summaryId: string }): Promise<{ delivered: number; alreadySent: number }> {
      const db = em();
      const summary = await db.findOneOrFail(MeetingSummary, input.summaryId, { populate: ['room', 'room.host'] });
      const reports = await db.find(ParticipantReport, { summary: summary.id }, { populate: ['participant', 'participant.user'] });
      const items = await db.find(ActionItem, { summary: summary.id }, { populate: ['assignedTo'], orderBy: { position: 'asc' } });
      let delivered = 0;
      let alreadySent = 0;
      for (const report of reports) {
        const user = report.participant.user;
        const message = resultsMessage(ctx, { summary, room: summary.room, report, items, user, isHost: user.id === summary.room.host.id });
        const result = await deliverOnce(db, message, ctx);
        if (result.status === 'sent') delivered += 1;
        else alreadySent += 1;
        Context.current().heartbeat();
      }
      return { delivered, alreadySent };
    },

    async roomHasTranscript(input: { roomId: string }): Promise<boolean> {
      return (await em().count(Transcript, { room: input.roomId })) > 0;
    },

    async latestTranscriptOf(input: { roomId: string }): Promise<string | undefined> {
      const room = await em().findOne(Room, input.roomId);
      if (!room) throw ApplicationFailure.nonRetryable(`meeting room ${input.roomId} does not exist`, 'RoomNotFound');
      return (await em().findOne(Transcript, { room: input.roomId }, { orderBy: { createdAt: 'desc' } }))?.id;
    },
  };
}

/**
 * The per-person parts of a recording made by Meetflow's own recorder (none for Egress recordings and uploads),
 * each named after its speaker: their Meetflow name, else the name they joined with.
 */
async function trackAudio(db: EntityManager, recordingId: string): Promise<TrackAudio[]> {
  const rows = await db.find(RecordingTrack, { recording: recordingId, status: 'complete', durationMs: { $gt: 0 } }, { populate: ['user'], orderBy: { offsetMs: 'asc', identity: 'asc', part: 'asc' } });
  return rows.map((row) => ({ filePath: row.filePath, speaker: row.user?.name ?? row.name, offsetSeconds: row.offsetMs / 1000 }));
}

/**
 * Diarized speakers ("Speaker 1", "Speaker 2", …) become the people who were in the room, in order of first
 * speech against order of joining. Transcripts that already name their speakers (a sidecar) are kept as they are.
 */
export function matchSpeakers(labels: string[], attendeesByJoin: string[]): Record<string, string> {
  const anonymous = labels.length > 0 && labels.every((label) => /^speaker\s*\d+$/i.test(label));
  if (!anonymous || attendeesByJoin.length === 0) return {};
  return Object.fromEntries(labels.slice(0, attendeesByJoin.length).map((label, i) => [label, attendeesByJoin[i]]));
}

/**
 * The configured summarizer, with the local one taking over on its last attempt or when it refuses for good
 * (a 400, a spending limit), so the meeting still completes; the summary says which made it. A rate limit's
 * Retry-After becomes Temporal's next retry delay.
 */
async function summarizeOrFallBack(ctx: ActivityContext, input: SummaryInput): Promise<MeetingSummaryResult> {
  const { summarizer, fallbackSummarizer } = ctx.providers;
  try {
    // Cancelled (the worker is shutting down, or the meeting was): the model's request is aborted, not waited for.
    const { info, cancellationSignal } = Context.current();
    return await summarizeWithFallback(summarizer, fallbackSummarizer, input, { attempt: info.attempt, maxAttempts: ctx.summaryMaxAttempts, signal: cancellationSignal });
  } catch (error) {
    if (error instanceof RetryableProviderError && error.retryAfterSeconds) {
      throw ApplicationFailure.create({ message: error.message, type: 'RateLimited', nextRetryDelay: `${error.retryAfterSeconds}s` });
    }
    throw error;
  }
}

export async function outcomeOf(ctx: ActivityContext, summary: MeetingSummaryEntity): Promise<SummaryOutcome> {
  const db = ctx.orm.em.fork();
  const items = await db.find(ActionItem, { summary: summary.id, dueDate: { $ne: null }, assignedTo: { $ne: null } });
  const earlier = await earlierSummaryIds(db, summary);
  const retired = earlier.length ? await db.find(ActionItem, { summary: { $in: earlier }, status: 'cancelled', dueDate: { $ne: null }, assignedTo: { $ne: null } }) : [];
  return {
    summaryId: summary.id,
    version: summary.version,
    generator: summary.generator,
    reminders: items.map((item) => ({ actionItemId: item.id, dueDate: item.dueDate! })),
    retiredReminders: retired.map((item) => item.id),
  };
}

async function nextVersionOf(db: EntityManager, transcriptId: string): Promise<number> {
  const latest = await db.findOne(MeetingSummary, { transcript: transcriptId }, { orderBy: { version: 'desc' } });
  return (latest?.version ?? 0) + 1;
}

async function earlierSummaryIds(db: EntityManager, summary: MeetingSummaryEntity): Promise<string[]> {
  if (summary.version <= 1) return [];
  const rows = await db.find(MeetingSummary, { transcript: summary.transcript.id, version: { $lt: summary.version } }, { fields: ['id'] });
  return rows.map((row) => row.id);
}

/**
 * A new summary version replaces the earlier ones' action items: those still open are cancelled (their reminders
 * then stay silent, and the workflow closes them); items someone already completed stay as they are.
 */
export async function retireEarlierVersions(db: EntityManager, summary: MeetingSummaryEntity): Promise<void> {
  const earlier = await earlierSummaryIds(db, summary);
  if (earlier.length) await db.nativeUpdate(ActionItem, { summary: { $in: earlier }, status: { $in: ['open', 'in_progress'] } }, { status: 'cancelled' });
}

/** Heartbeats every 5 s while a long provider call runs (the activity's heartbeat timeout then spots a dead worker). */
function heartbeating<T>(work: Promise<T>, details?: () => unknown): Promise<T> {
  const timer = setInterval(() => Context.current().heartbeat(details?.()), 5_000);
  return work.finally(() => clearInterval(timer));
}
