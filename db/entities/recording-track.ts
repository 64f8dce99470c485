import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base';
import { Recording } from './recording';
import { User } from './user';

export const RECORDING_TRACK_STATUSES = ['recording', 'complete', 'failed'] as const;
export type RecordingTrackStatus = (typeof RECORDING_TRACK_STATUSES)[number];

/**
 * One part of one person's audio in a per-track recording (Meetflow's own recorder): a file of their voice
 * only, where it starts on the recording's timeline, and how long it is. Someone who leaves and rejoins (or
 * a recorder that restarts) gets the next part.
 */
export const RecordingTrack = defineEntity({
  name: 'RecordingTrack',
  tableName: 'recording_tracks',
  properties: {
    ...baseProperties,
    recording: () => p.manyToOne(Recording).deleteRule('cascade'),
    /** The participant's identity in the room (a Meetflow user id for people who joined through Meetflow). */
    identity: p.string().length(255),
    /** The Meetflow user, when the identity is one. */
    user: () => p.manyToOne(User).nullable().deleteRule('set null').index(),
    /** The name they joined with, for the transcript's speaker. */
    name: p.string().length(255),
    part: p.integer(),
    filePath: p.text(),
    /** Where the part starts, in ms from the recording's start. */
    offsetMs: p.integer(),
    durationMs: p.integer().nullable(),
    status: p.string().length(20).$type<RecordingTrackStatus>().default('recording'),
  },
  uniques: [{ properties: ['recording', 'identity', 'part'], name: 'recording_tracks_recording_identity_part_unique' }],
});

export type RecordingTrackEntity = InferEntity<typeof RecordingTrack>;
