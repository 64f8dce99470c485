import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, type AuditAction } from '../db/audit';
import type { UserEntity } from '../db/entities';

/** Records an act done in Slack by the person who typed the command or clicked the button. */
export function auditSlack(em: EntityManager, me: UserEntity, action: AuditAction, target: { type: string; id: string }, details: Record<string, unknown> = {}): Promise<void> {
  return recordAudit(em, { actor: me, action, target, source: 'slack', details: { slackUserId: me.oauthId ?? null, ...details } });
}
