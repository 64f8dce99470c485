import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base';
import { Room } from './room';
import { User } from './user';

export const RECORDING_STATUSES = ['recording', 'processing', 'completed', 'failed', 'archived'] as const;

export const Recording = defineEntity({
  name: 'Recording',
  tableName: 'recordings',
  properties: {
    ...baseProperties,
    room: () => p.manyToOne(Room).deleteRule('cascade').index(),
    startedBy: () => p.manyToOne(User).nullable().deleteRule('set null').index(),
    livekitRecordingId: p.string().unique(),
    status: p.string().length(20).$type<(typeof RECORDING_STATUSES)[number]>().default('recording'),
    fileUrl: p.text().nullable(),
    filePath: p.text().nullable(),
    fileSize: p.bigint('number').nullable(),
    /** Seconds of audio. */
    duration: p.integer().nullable(),
    startedAt: p.datetime().nullable(),
    completedAt: p.datetime().nullable(),
  },
  indexes: [{ properties: ['status'] }, { properties: ['createdAt'] }],
});

export type RecordingEntity = InferEntity<typeof Recording>;
