import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base';
import { Room } from './room';
import { User } from './user';

/**
 * A person's latest say on being recorded in one meeting (issue 17), mirrored from the meeting workflow's
 * consent update: the recorder reads it before it subscribes to their audio. No row: the org default
 * (RECORDING_CONSENT_DEFAULT) decides.
 */
export const RecordingConsent = defineEntity({
  name: 'RecordingConsent',
  tableName: 'recording_consents',
  properties: {
    ...baseProperties,
    room: () => p.manyToOne(Room).deleteRule('cascade'),
    user: () => p.manyToOne(User).deleteRule('cascade').index(),
    record: p.boolean(),
    /** The decision's event id (the workflow's update input): the same id twice is one decision. */
    eventId: p.string().length(200),
    decidedAt: p.datetime(),
  },
  uniques: [{ properties: ['room', 'user'], name: 'recording_consents_room_user_unique' }],
});

export type RecordingConsentEntity = InferEntity<typeof RecordingConsent>;
