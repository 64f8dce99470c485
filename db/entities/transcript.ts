import { defineEntity, p, type InferEntity, type Opt } from '@mikro-orm/core';
import { baseProperties } from './base';
import { Recording } from './recording';
import { Room } from './room';

export interface TranscriptSegment {
  speaker: string;
  start: number;
  end: number;
  text: string;
}

export interface TranscriptWord {
  word: string;
  start: number;
  end: number;
  speaker?: string;
}

export const Transcript = defineEntity({
  name: 'Transcript',
  tableName: 'transcripts',
  properties: {
    ...baseProperties,
    recording: () => p.oneToOne(Recording).owner().deleteRule('cascade'),
    room: () => p.manyToOne(Room).deleteRule('cascade').index(),
    text: p.text(),
    language: p.string().length(20).default('en'),
    segments: p.json<TranscriptSegment[]>().defaultRaw(`'[]'`),
    words: p.json<TranscriptWord[]>().defaultRaw(`'[]'`),
    confidenceScore: p.float().columnType('double precision').nullable(),
    hasSpeakers: p.boolean().default(false),
    speakerCount: p.integer().default(0),
    /** Which participant each diarized speaker label is. */
    speakerMap: p.json<Record<string, string>>().defaultRaw(`'{}'`),
    /** When the retention policy emptied this transcript (text, segments, words); its summary is kept. */
    purgedAt: p.datetime().nullable(),
    /** Full-text search vector: the room's title (weight A) and the text (B), kept by triggers in PostgreSQL (GIN indexed). */
    searchVector: p
      .type('tsvector')
      .columnType('tsvector')
      .$type<Opt<string>>()
      .lazy(true, false)
      .nullable(),
  },
  indexes: [
    { properties: ['createdAt'] },
    { properties: ['searchVector'], type: 'gin', name: 'transcripts_search_vector_gin' },
    { properties: ['segments'], type: 'gin', name: 'transcripts_segments_gin' },
  ],
});

export type TranscriptEntity = InferEntity<typeof Transcript>;
