/**
 * The one vocabulary of a meeting's life, shared by the workflow, the rooms table, the API, the bot and the CLI.
 * Pure data (no imports): workflow code, entities and every door read the same names and the same sets.
 *
 *   scheduled -> inviting -> waiting -> live -> processing -> completed | failed
 *           \-> cancelled (from any phase before processing)
 */
export const MEETING_PHASES = ['scheduled', 'inviting', 'waiting', 'live', 'processing', 'completed', 'cancelled', 'failed'] as const;
export type MeetingPhase = (typeof MEETING_PHASES)[number];

/** Phases in which a meeting can still be moved: it has not started. */
export const RESCHEDULABLE_PHASES: readonly MeetingPhase[] = ['scheduled', 'inviting', 'waiting'];
/** Phases in which a meeting can still be called off: before processing. */
export const CANCELLABLE_PHASES: readonly MeetingPhase[] = ['scheduled', 'inviting', 'waiting', 'live'];
/** Phases of a meeting that is ahead or under way: it takes replies, and its room can be joined. */
export const OPEN_PHASES: readonly MeetingPhase[] = CANCELLABLE_PHASES;
/** Phases after the meeting itself: its room is closed and it no longer takes replies. */
export const CLOSED_PHASES: readonly MeetingPhase[] = ['processing', 'completed', 'cancelled', 'failed'];

export const isPhaseIn = (phase: string, phases: readonly MeetingPhase[]): boolean => phases.includes(phase as MeetingPhase);

/**
 * The failure types update validators refuse with, so every door tells bad input from a wrong moment:
 * InvalidArgument (422 / "fix what you typed") and Conflict (409 / "not now").
 */
export const REFUSAL_TYPES = { invalid: 'InvalidArgument', conflict: 'Conflict' } as const;
