import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties, textArray } from './base';
import { MeetingSummary, type SourceSpan } from './meeting-summary';
import { Room } from './room';
import { User } from './user';

export const ACTION_ITEM_TYPES = ['task', 'follow_up', 'decision', 'question'] as const;
export const ACTION_ITEM_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export const ACTION_ITEM_STATUSES = ['open', 'in_progress', 'completed', 'cancelled'] as const;

export const ActionItem = defineEntity({
  name: 'ActionItem',
  tableName: 'action_items',
  properties: {
    ...baseProperties,
    room: () => p.manyToOne(Room).deleteRule('cascade'),
    summary: () => p.manyToOne(MeetingSummary).deleteRule('cascade'),
    assignedTo: () => p.manyToOne(User).nullable().deleteRule('set null'),
    /** Order within its summary: with the summary, the natural key that makes extraction idempotent. */
    position: p.integer(),
    title: p.string().length(500),
    description: p.text().nullable(),
    type: p.string().length(20).$type<(typeof ACTION_ITEM_TYPES)[number]>().default('task'),
    priority: p.string().length(20).$type<(typeof ACTION_ITEM_PRIORITIES)[number]>().default('medium'),
    status: p.string().length(20).$type<(typeof ACTION_ITEM_STATUSES)[number]>().default('open'),
    dueDate: p.date().nullable(),
    completedAt: p.datetime().nullable(),
    tags: textArray(),
    /** The transcript lines the item was extracted from; null for items written by hand or before grounding. */
    source: p.json<SourceSpan>().nullable(),
  },
  uniques: [{ properties: ['summary', 'position'], name: 'action_items_summary_position_unique' }],
  indexes: [
    { properties: ['status'] },
    { properties: ['type'] },
    { properties: ['createdAt'] },
    { properties: ['room', 'status'], name: 'action_items_room_open_index' },
    { properties: ['assignedTo', 'status', 'dueDate'], name: 'action_items_assignee_status_due_index' },
    { properties: ['tags'], type: 'gin', name: 'action_items_tags_gin' },
  ],
});

export type ActionItemEntity = InferEntity<typeof ActionItem>;
