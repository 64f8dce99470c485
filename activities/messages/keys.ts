/**
 * The idempotency key of every message Meetflow sends, built in one place: the same logical message always gets
 * the same key (the notifications row's natural key), so a retried activity finds it and does not send it again.
 * Changing a format here would send messages of running meetings twice: add a new kind instead.
 */
export type InviteKind = 'invite' | 'update' | 'cancel';

export const messageKeys = {
  inviteEmail: (kind: InviteKind, roomId: string, sequence: number, userId: string) => `${kind}-email:${roomId}:${sequence}:${userId}`,
  inviteDm: (kind: InviteKind, roomId: string, sequence: number, userId: string) => `${kind}-dm:${roomId}:${sequence}:${userId}`,
  meetingReminder: (roomId: string, scheduledStart: string, userId: string) => `reminder:${roomId}:${scheduledStart}:${userId}`,
  meetingBrief: (roomId: string, scheduledStart: string, userId: string) => `brief:${roomId}:${scheduledStart}:${userId}`,
  meetingStarting: (roomId: string, userId: string) => `starting:${roomId}:${userId}`,
  results: (summaryId: string, userId: string) => `results:${summaryId}:${userId}`,
  /** The email copy of a chat message the platform refused for good (an account deleted or deactivated). */
  emailFallback: (chatKey: string) => `${chatKey}:email-fallback`,
  /** The draft recap a host approves, once per draft summary. */
  recapDraft: (summaryId: string, userId: string) => `recap-draft:${summaryId}:${userId}`,
  ping: (workflowId: string) => `ping:${workflowId}`,
  actionItemReminder: (actionItemId: string, dueDate: string, snoozedUntil?: string) => `action-reminder:${actionItemId}:${dueDate}${snoozedUntil ? `:snoozed:${snoozedUntil}` : ''}`,
} as const;
