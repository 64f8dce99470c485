import { randomUUID } from 'node:crypto';
import { MeetingsClient } from '../clients/meetings';
import type { ConsentResult } from '../workflows/messages';
import { findVisibleMeeting } from './meetings';
import { auditInsert } from '../db/audit';
import { type Actor, auditInput, type CommandDeps } from './types';

export interface ConsentRequest {
  roomId: string;
  record: boolean;
  /** The decision's id (a retry sends the same one); a new one when the door has none. */
  eventId?: string;
}

/**
 * A person decides, for themselves only, whether this meeting records them (issue 17): anyone who may see the
 * meeting (host, invitee, participant) may, before or during it. The workflow keeps the decision and mirrors it
 * for the recorder; the audit row is written once per event id.
 */
export async function setRecordingConsent(deps: CommandDeps, actor: Actor & { kind: 'person' }, request: ConsentRequest): Promise<ConsentResult> {
  const room = await findVisibleMeeting(deps, actor, request.roomId);
  const eventId = request.eventId ?? randomUUID();
  const result = await new MeetingsClient(deps.temporal).consent(room.id, { userId: actor.user.id, record: request.record, eventId });
  await auditOnce(deps, actor, room.id, request.record, eventId);
  return result;
}

/** The decision's audit row, unless its event id has one (a retry after the update but before the row writes it). */
async function auditOnce(deps: CommandDeps, actor: Actor & { kind: 'person' }, roomId: string, record: boolean, eventId: string): Promise<void> {
  const { sql, params } = auditInsert(auditInput(actor, { action: 'meeting.consent', target: { type: 'meeting', id: roomId }, details: { record, eventId } }));
  await deps.em.execute(
    `${sql} where not exists (select 1 from audit_events where target_type = 'meeting' and target_id = ? and action = 'meeting.consent' and actor_id = ? and details->>'eventId' = ?)`,
    [...params, roomId, actor.user.id, eventId],
  );
}
