import type { EntityManager } from '@mikro-orm/postgresql';
import type { ConsentStatus } from '../workflows/messages';
import type { RecordingConsentDefault } from '../config';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Stores a person's decision on (room, user). A retry writes the same row; an older decision arriving after a
 * newer one (two activities in flight) does not overwrite it.
 */
export async function storeConsent(em: EntityManager, roomId: string, decision: ConsentStatus): Promise<void> {
  await em.execute(
    `insert into recording_consents (room_id, user_id, record, event_id, decided_at) values (?, ?, ?, ?, ?)
     on conflict (room_id, user_id) do update set record = excluded.record, event_id = excluded.event_id, decided_at = excluded.decided_at, updated_at = now()
     where recording_consents.decided_at <= excluded.decided_at`,
    [roomId, decision.userId, decision.record, decision.eventId, decision.at],
  );
}

/** Each person's stored decision in a meeting: user id → record. */
export async function consentsOf(em: EntityManager, roomId: string): Promise<Map<string, boolean>> {
  const rows = await em.execute<{ user_id: string; record: boolean }[]>(`select user_id, record from recording_consents where room_id = ?`, [roomId]);
  return new Map(rows.map((row) => [row.user_id, row.record]));
}

/**
 * Whether someone in the room may be recorded: their own decision, else the org default (opt-out records people
 * who have not answered, opt-in does not). An identity that is no Meetflow user cannot answer: only the default.
 */
export async function mayRecordIdentity(em: EntityManager, roomId: string, identity: string, fallback: RecordingConsentDefault): Promise<boolean> {
  const decided = UUID.test(identity) ? (await consentsOf(em, roomId)).get(identity) : undefined;
  return decided ?? fallback === 'opt-out';
}

/**
 * Whether a single mixed recording (Egress, an upload) may be made: it cannot leave anyone out, so not when anyone
 * declined, and not under opt-in (it would record people who never said yes).
 */
export async function mayRecordEveryone(em: EntityManager, roomId: string, fallback: RecordingConsentDefault): Promise<boolean> {
  if (fallback === 'opt-in') return false;
  return ![...(await consentsOf(em, roomId)).values()].includes(false);
}

