import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEvent, type Person } from './entities';

/** Every act the audit log records (docs/operations.md lists them with their targets). */
export const AUDIT_ACTIONS = [
  'auth.register',
  'auth.sign_in',
  'auth.sign_in_failed',
  'auth.password_set',
  'auth.slack_linked',
  'session.revoke',
  'meeting.create',
  'meeting.reschedule',
  'meeting.cancel',
  'meeting.end',
  'meeting.consent',
  'recording.upload',
  'transcript.read',
  'summary.read',
  'report.read',
  'action_item.update',
  'action_item.snooze',
  'audit.read',
  'maintenance.run',
  'summary.rerun',
  'meetings.ask',
  'series.create',
  'series.update',
  'series.skip',
  'series.cancel',
  'recap.approve',
  'recap.edit',
  'recap.discard',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditSource = 'api' | 'slack' | 'cli' | 'worker';

export interface AuditInput {
  /** The signed-in user, or a label for acts without one ("system", "cli:<os user>", an email that failed to sign in). */
  actor: Person | { label: string };
  action: AuditAction;
  target: { type: string; id?: string | null };
  source: AuditSource;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown>;
}

/** The audit row as an `insert … select` (no values list: a caller can add a where clause), for one-statement writes. */
export function auditInsert(input: AuditInput): { sql: string; params: unknown[] } {
  const user = 'id' in input.actor ? input.actor : null;
  return {
    sql: `insert into audit_events (occurred_at, actor_id, actor_label, action, target_type, target_id, source, ip_address, user_agent, request_id, details)
          select ?::timestamptz, ?::uuid, ?, ?, ?, ?, ?, ?::inet, ?, ?, ?::jsonb`,
    params: [
      new Date(),
      user?.id ?? null,
      user ? user.email : (input.actor as { label: string }).label,
      input.action,
      input.target.type,
      input.target.id ?? null,
      input.source,
      input.ip || null,
      input.userAgent ? input.userAgent.slice(0, 500) : null,
      input.requestId ?? null,
      JSON.stringify(input.details ?? {}),
    ],
  };
}

/** Appends one row to the audit log at once (not on the caller's next flush). */
export async function recordAudit(em: EntityManager, input: AuditInput): Promise<void> {
  const user = 'id' in input.actor ? input.actor : null;
  await em.insert(AuditEvent, {
    // Set here, in milliseconds like the API's cursors (now() would add microseconds a cursor cannot carry).
    occurredAt: new Date(),
    actor: user?.id ?? null,
    actorLabel: user ? user.email : (input.actor as { label: string }).label,
    action: input.action,
    targetType: input.target.type,
    targetId: input.target.id ?? null,
    source: input.source,
    ipAddress: input.ip || null,
    userAgent: input.userAgent ? input.userAgent.slice(0, 500) : null,
    requestId: input.requestId ?? null,
    details: input.details ?? {},
  });
}
