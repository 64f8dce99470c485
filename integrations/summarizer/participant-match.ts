import type { MeetingParticipant } from './types';

const HONORIFICS = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'professor', 'hon', 'sir', 'madam', 'the']);

/** "Hon. Ahmed Hussen (Minister of ...)" → "ahmed hussen". */
export function normalizeName(name: string): string {
  return name
    .toLowerCase()
    .replace(/\([^)]*\)?/g, ' ')
    .replace(/[^\p{L}\p{N}'\s-]/gu, ' ')
    .split(/\s+/)
    .filter((token) => token && !HONORIFICS.has(token))
    .join(' ');
}

/**
 * Finds the participant a speaker label or a spoken name refers to: the full name, the e-mail's local part,
 * or a first name when one side is a single word ("Alice" ↔ "Alice Smith") and no other participant shares it.
 * Case-insensitive. Two-word labels never match on their first word alone ("Grad A" is not "Grad D").
 */
export class ParticipantDirectory {
  private readonly cache = new Map<string, MeetingParticipant | undefined>();
  /** Normalized once: the extractors ask about every capitalized word of a meeting. */
  private readonly normalizedNames: readonly string[];
  private readonly fullNames: ReadonlySet<string>;

  constructor(readonly participants: readonly MeetingParticipant[]) {
    this.normalizedNames = participants.map((participant) => normalizeName(participant.name));
    this.fullNames = new Set(this.normalizedNames);
  }

  find(nameOrLabel: string): MeetingParticipant | undefined {
    const key = normalizeName(nameOrLabel);
    if (!this.cache.has(key)) this.cache.set(key, key ? this.lookUp(key) : undefined);
    return this.cache.get(key);
  }

  /** Whether the text is exactly some participant's full name (any case). */
  isFullName(name: string): boolean {
    const key = normalizeName(name);
    return key !== '' && this.fullNames.has(key);
  }

  private lookUp(key: string): MeetingParticipant | undefined {
    const exact = this.participants.find((_, i) => this.normalizedNames[i] === key);
    if (exact) return exact;
    const byEmail = this.participants.find((participant) => emailName(participant.email) === key);
    if (byEmail) return byEmail;
    const byFirstName = this.participants.filter((_, i) => sameFirstName(this.normalizedNames[i], key));
    return byFirstName.length === 1 ? byFirstName[0] : undefined;
  }
}

function sameFirstName(a: string, b: string): boolean {
  const [firstA, ...restA] = a.split(' ');
  const [firstB, ...restB] = b.split(' ');
  return firstA === firstB && (restA.length === 0 || restB.length === 0);
}

function emailName(email: string | undefined): string | undefined {
  return email?.split('@')[0].toLowerCase().replace(/[._-]+/g, ' ');
}
