import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { recordAudit, type AuditInput } from '../db/audit';
import type { Person } from '../db/entities';

/** What every command needs: the request's EntityManager, Temporal, and the configuration. */
export interface CommandDeps {
  em: EntityManager;
  temporal: Client;
  cfg: Config;
}

/**
 * Who asks, and through which door. A person (API or Slack) is held to the policies; an operator at the CLI
 * (who already holds the database and Temporal credentials) is not, and is recorded by name.
 */
export type Actor =
  | { kind: 'person'; user: Person; source: 'api' | 'slack'; ip?: string | null; userAgent?: string | null; requestId?: string | null; details?: Record<string, unknown> }
  | { kind: 'operator'; label: string; source: 'cli' };

/** Why a command did not do what was asked, in words a person can act on; each door maps the kind to its own answer. */
export class CommandError extends Error {
  override name = 'CommandError';
  constructor(
    readonly kind: 'not_found' | 'forbidden' | 'invalid' | 'conflict' | 'gone',
    message: string,
  ) {
    super(message);
  }
}

/** Throws `forbidden` unless the actor is an operator or the policy allows the person. */
export function authorize(actor: Actor, allowed: (user: Person) => boolean, message: string): void {
  if (actor.kind === 'person' && !allowed(actor.user)) throw new CommandError('forbidden', message);
}

export const personOf = (actor: Actor): Person | undefined => (actor.kind === 'person' ? actor.user : undefined);

/** The audit row for what the actor did, with the door's own context (IP and request id, or the Slack user). */
export function auditInput<E extends Partial<Pick<AuditInput, 'target'>> & Pick<AuditInput, 'action' | 'details'>>(actor: Actor, event: E): E & Omit<AuditInput, 'target'> {
  if (actor.kind === 'operator') return { ...event, actor: { label: actor.label }, source: 'cli' };
  return { ...event, actor: actor.user, source: actor.source, ip: actor.ip, userAgent: actor.userAgent, requestId: actor.requestId, details: { ...actor.details, ...event.details } };
}

/** Writes one audit row for what the actor did. */
export function audit(em: EntityManager, actor: Actor, event: Pick<AuditInput, 'action' | 'target' | 'details'>): Promise<void> {
  return recordAudit(em, auditInput(actor, event));
}
