import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties, textArray } from './base';
import { User } from './user';

import type { MeetingMirror } from '../../workflows/messages';
import { MEETING_PHASES, type MeetingPhase } from '../../workflows/phases';

/** rooms.status mirrors the workflow's phase: the same names. */
export const ROOM_STATUSES = MEETING_PHASES;
export const ROOM_TYPES = ['scheduled', 'instant', 'recurring'] as const;
export type RoomStatus = MeetingPhase;

export const Room = defineEntity({
  name: 'Room',
  tableName: 'rooms',
  properties: {
    ...baseProperties,
    host: () => p.manyToOne(User).deleteRule('restrict'),
    name: p.string(),
    description: p.text().nullable(),
    slug: p.string().unique(),
    type: p.string().length(20).$type<(typeof ROOM_TYPES)[number]>().default('scheduled'),
    status: p.string().length(20).$type<RoomStatus>().default('scheduled'),
    livekitRoomName: p.string().unique(),
    maxParticipants: p.integer().default(50),
    currentParticipants: p.integer().default(0),
    settings: p.json<Record<string, unknown>>().defaultRaw(`'{}'`),
    scheduledStartTime: p.datetime().nullable(),
    /** Planned length in minutes (what the host asked for). */
    plannedDuration: p.integer().nullable(),
    startedAt: p.datetime().nullable(),
    endedAt: p.datetime().nullable(),
    /** Actual length in seconds, from started_at to ended_at. */
    duration: p.integer().nullable(),
    tags: textArray(),
    /** What only the workflow knows of its status (end reason, outcome, recordings' progress), as of its last phase change. */
    workflowState: p.json<Partial<MeetingMirror>>().defaultRaw(`'{}'`),
    /** The Temporal workflow that runs this meeting: meeting-<id>. */
    workflowId: p.string().unique().nullable(),
    /** The recurring series this meeting is an occurrence of (generated from settings.seriesId). */
    seriesId: p.uuid().nullable().generated("((settings->>'seriesId')::uuid) stored"),
  },
  indexes: [
    { properties: ['status'] },
    { properties: ['type'] },
    { properties: ['createdAt'] },
    { properties: ['scheduledStartTime'] },
    { properties: ['host', 'scheduledStartTime'], name: 'rooms_host_upcoming_index' },
    { properties: ['tags'], type: 'gin', name: 'rooms_tags_gin' },
    { properties: ['seriesId', 'scheduledStartTime'], name: 'rooms_series_id_index' },
  ],
});

export type RoomEntity = InferEntity<typeof Room>;
