import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base';
import { Room } from './room';
import { Transcript } from './transcript';
import { User } from './user';

/** The transcript lines an item came from (segment indexes inclusive, seconds from the start). */
export interface SourceSpan {
  firstSegment: number;
  lastSegment: number;
  start: number;
  end: number;
}

export interface KeyPoint {
  text: string;
  speaker?: string;
  at?: number;
  span?: SourceSpan;
}

export interface Decision {
  text: string;
  speaker?: string;
  at?: number;
  span?: SourceSpan;
}

export interface Topic {
  title: string;
  keywords: string[];
  start?: number;
  end?: number;
}

/** A part of the meeting kind's template: "What went well", or one person's "Blockers" in a stand-up. */
export interface SummarySectionRow {
  key: string;
  title: string;
  person?: string;
  items: KeyPoint[];
}

/**
 * One transcript has one current summary; a re-run (another generator or model) adds version n+1 and keeps
 * the earlier ones, hence the unique key (transcript, version) rather than a plain one-to-one.
 */
export const MeetingSummary = defineEntity({
  name: 'MeetingSummary',
  tableName: 'meeting_summaries',
  properties: {
    ...baseProperties,
    room: () => p.manyToOne(Room).deleteRule('cascade').index(),
    transcript: () => p.manyToOne(Transcript).deleteRule('cascade'),
    version: p.integer().default(1),
    executiveSummary: p.text(),
    keyPoints: p.json<KeyPoint[]>().defaultRaw(`'[]'`),
    decisions: p.json<Decision[]>().defaultRaw(`'[]'`),
    topics: p.json<Topic[]>().defaultRaw(`'[]'`),
    /** standup, one_on_one, planning, retro, sales_call, interview or general: as scheduled, else inferred. Null on older rows. */
    kind: p.string().length(20).nullable(),
    /** The kind's template filled in (empty for 'general' and older rows). */
    sections: p.json<SummarySectionRow[]>().defaultRaw(`'[]'`),
    overallSentiment: p.float().columnType('double precision').nullable(),
    /** Seconds of speech over all participants. */
    totalSpeakingTime: p.integer().default(0),
    engagementScore: p.float().columnType('double precision').nullable(),
    /** What made it: 'local' (embedded summarizer) or 'claude'. */
    generator: p.string().length(50).default('local'),
    model: p.string().nullable(),
    usage: p.json<Record<string, unknown>>().nullable(),
    /** Who rewrote this version (the host editing a draft recap); null for a generated one. */
    editedBy: () => p.manyToOne(User).nullable().deleteRule('set null').index(),
    /** Where the host's approval stands; null for meetings that do not ask for it. */
    approvalState: p.string().length(20).$type<'awaiting' | 'approved' | 'released' | 'discarded'>().nullable(),
    /** When an awaiting recap goes out by itself; null when it never does. */
    approvalReleaseAt: p.datetime().nullable(),
  },
  uniques: [{ properties: ['transcript', 'version'], name: 'meeting_summaries_transcript_version_unique' }],
  indexes: [{ properties: ['createdAt'] }],
});

export type MeetingSummaryEntity = InferEntity<typeof MeetingSummary>;
