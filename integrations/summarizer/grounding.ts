import type { Segment } from '../transcripts/types';
import { resolveDueDate } from './due-dates';
import { normalizeName, ParticipantDirectory } from './participant-match';
import { isVagueTask } from './task-verbs';
import { contentTerms } from './terms';
import type { ExtractedActionItem, MeetingSummaryResult, SummaryInput, SummaryPoint, TranscriptSpan } from './types';

/*
 * Grounding: every item points at the transcript lines it came from, and says no more than they do. The owner stays
 * only when those lines name or address the person (or the person is the one speaking); the due date only when
 * they state one. An LLM item whose lines do not support it at all is dropped.
 */

export function spanOfSegments(segments: Segment[], first: number, last: number): TranscriptSpan {
  const from = Math.max(0, Math.min(first, last));
  const to = Math.min(segments.length - 1, Math.max(first, last));
  return { firstSegment: from, lastSegment: to, start: segments[from]?.start ?? 0, end: segments[to]?.end ?? 0 };
}

/** The segment said at `seconds` (or the last one that started before it). */
export function segmentAt(segments: Segment[], seconds: number): number {
  let found = 0;
  for (const [index, segment] of segments.entries()) {
    if (segment.start > seconds + 0.5) break;
    found = index;
  }
  return found;
}

export function spanText(segments: Segment[], span: TranscriptSpan): string {
  return segments
    .slice(span.firstSegment, span.lastSegment + 1)
    .map((segment) => segment.text)
    .join(' ');
}

/** Some of the item's content words are said in the span (stems compared, so "reviewing" supports "review"). */
export function spanSupports(text: string, span: TranscriptSpan, segments: Segment[]): boolean {
  const wanted = contentTerms(text);
  if (wanted.length === 0) return false;
  const said = new Set(contentTerms(spanText(segments, span)));
  const overlap = wanted.filter((term) => said.has(term)).length;
  return overlap >= Math.min(2, wanted.length) || overlap / wanted.length >= 0.5;
}

/** The span names or addresses the owner, or the owner is one of the people speaking in it. */
export function spanNamesOwner(owner: string, span: TranscriptSpan, segments: Segment[], directory: ParticipantDirectory): boolean {
  const lines = segments.slice(span.firstSegment, span.lastSegment + 1);
  const participant = directory.find(owner);
  if (lines.some((segment) => segment.speaker === owner || (participant && directory.find(segment.speaker) === participant))) return true;
  const said = ` ${normalizeName(lines.map((segment) => segment.text).join(' '))} `;
  const names = [owner, participant?.name].filter((name): name is string => !!name).map(normalizeName);
  return names.some((name) => name.length >= 2 && (said.includes(` ${name} `) || said.includes(` ${name.split(' ')[0]} `)));
}

/** The deadline the span states, resolved in the meeting's time zone; undefined when it states none. */
export function spanDueDate(span: TranscriptSpan, segments: Segment[], input: SummaryInput): string | undefined {
  return resolveDueDate(spanText(segments, span), input.meetingDate, input.timeZone ?? 'UTC');
}

const DUE_DATE_SLACK_DAYS = 3;

/** The model's date when it is close to what the span says ("next week": Monday or Friday), else the span's. */
function groundedDueDate(claimed: string | undefined, stated: string | undefined): string | undefined {
  if (!claimed || !stated) return undefined;
  const days = Math.abs(Date.parse(claimed) - Date.parse(stated)) / 86_400_000;
  return days <= DUE_DATE_SLACK_DAYS ? claimed : stated;
}

/**
 * Checks an LLM's items against the transcript lines they cite: unsupported items go, and owners and due dates the
 * lines do not state are removed. Key points, decisions and template sections keep their span when they have one.
 */
export function groundResult(result: MeetingSummaryResult, input: SummaryInput): MeetingSummaryResult {
  const directory = new ParticipantDirectory(input.participants);
  const segments = input.segments;
  const point = (p: SummaryPoint): SummaryPoint | undefined => {
    const span = p.span ?? (p.at !== undefined ? spanOfSegments(segments, segmentAt(segments, p.at), segmentAt(segments, p.at)) : undefined);
    return span && spanSupports(p.text, span, segments) ? { ...p, span } : undefined;
  };
  const item = (a: ExtractedActionItem): ExtractedActionItem | undefined => {
    const span = a.span ?? (a.at !== undefined ? spanOfSegments(segments, segmentAt(segments, a.at), segmentAt(segments, a.at)) : undefined);
    if (!span || isVagueTask(a.title, !!a.dueDate) || !spanSupports(`${a.title} ${a.description}`, span, segments)) return undefined;
    const { ownerId, ownerName, dueDate, ...rest } = a;
    const ownerKept = ownerName && spanNamesOwner(ownerName, span, segments, directory);
    const due = groundedDueDate(dueDate, spanDueDate(span, segments, input));
    return { ...rest, ...(ownerKept ? { ownerName, ...(ownerId ? { ownerId } : {}) } : {}), ...(due ? { dueDate: due } : {}), span };
  };
  const present = <T>(value: T | undefined): value is T => value !== undefined;
  return {
    ...result,
    keyPoints: result.keyPoints.map(point).filter(present),
    ...(result.sections ? { sections: result.sections.map((section) => ({ ...section, items: section.items.map(point).filter(present) })) } : {}),
    decisions: result.decisions.map(point).filter(present),
    actionItems: result.actionItems.map(item).filter(present),
  };
}
