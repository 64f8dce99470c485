import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base';
import { MeetingSummary } from './meeting-summary';
import { Participant } from './participant';
import { Room } from './room';

export interface KeyContribution {
  text: string;
  at?: number;
}

export const ParticipantReport = defineEntity({
  name: 'ParticipantReport',
  tableName: 'participant_reports',
  properties: {
    ...baseProperties,
    room: () => p.manyToOne(Room).deleteRule('cascade').index(),
    participant: () => p.manyToOne(Participant).deleteRule('cascade').index(),
    summary: () => p.manyToOne(MeetingSummary).deleteRule('cascade'),
    reportContent: p.text(),
    /** Seconds. */
    speakingTime: p.integer().default(0),
    speakingPercentage: p.float().columnType('double precision').default(0),
    engagementScore: p.float().columnType('double precision').default(0),
    keyContributions: p.json<KeyContribution[]>().defaultRaw(`'[]'`),
    tasksAssignedCount: p.integer().default(0),
  },
  uniques: [{ properties: ['summary', 'participant'], name: 'participant_reports_summary_participant_unique' }],
});

export type ParticipantReportEntity = InferEntity<typeof ParticipantReport>;
