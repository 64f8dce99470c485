import { readFileSync } from 'node:fs';
import { normalizeName } from '../../integrations/summarizer/participant-match';
import type { ExtractedActionItem } from '../../integrations/summarizer/types';

/** One hand-labelled action item (test/fixtures/action-item-labels.json). */
export interface LabelledItem {
  segments: [number, number];
  title: string;
  owner: string | null;
  dueDate: string | null;
}

export function loadLabels(file: string): Record<string, LabelledItem[]> {
  return (JSON.parse(readFileSync(file, 'utf8')) as { meetings: Record<string, LabelledItem[]> }).meetings;
}

export interface ItemCounts {
  extracted: number;
  labelled: number;
  matched: number;
  /** Matched items that have an owner / whose owner is the labelled one. */
  ownersGiven: number;
  ownersRight: number;
  labelledOwners: number;
}

/** Segments of slack either side: a label's span is where a reader put it, an extractor may cite the next line. */
const SLACK = 1;

/**
 * An extracted item matches the first unmatched label whose segment range its span overlaps (one to one).
 * Owner precision: of matched items with an owner, how many have the labelled owner; owner recall: of labelled
 * owners among the labels, how many were found.
 */
export function countItems(extracted: ExtractedActionItem[], labels: LabelledItem[]): ItemCounts {
  const free = new Set(labels);
  const counts: ItemCounts = { extracted: extracted.length, labelled: labels.length, matched: 0, ownersGiven: 0, ownersRight: 0, labelledOwners: labels.filter((l) => l.owner).length };
  for (const item of extracted) {
    const span = item.span;
    if (!span) continue;
    const overlapping = [...free].filter((l) => span.firstSegment <= l.segments[1] + SLACK && span.lastSegment >= l.segments[0] - SLACK);
    // Several labels in one span (tasks handed out in one breath): the one with the same owner, else the first.
    const label = overlapping.find((l) => l.owner && item.ownerName && normalizeName(l.owner) === normalizeName(item.ownerName)) ?? overlapping[0];
    if (!label) continue;
    free.delete(label);
    counts.matched += 1;
    if (item.ownerName) {
      counts.ownersGiven += 1;
      if (label.owner && normalizeName(label.owner) === normalizeName(item.ownerName)) counts.ownersRight += 1;
    }
  }
  return counts;
}

export function addCounts(all: ItemCounts[]): ItemCounts {
  return all.reduce(
    (sum, c) => ({
      extracted: sum.extracted + c.extracted,
      labelled: sum.labelled + c.labelled,
      matched: sum.matched + c.matched,
      ownersGiven: sum.ownersGiven + c.ownersGiven,
      ownersRight: sum.ownersRight + c.ownersRight,
      labelledOwners: sum.labelledOwners + c.labelledOwners,
    }),
    { extracted: 0, labelled: 0, matched: 0, ownersGiven: 0, ownersRight: 0, labelledOwners: 0 },
  );
}

export const ratio = (part: number, whole: number): string => (whole ? (part / whole).toFixed(2) : 'n/a');
