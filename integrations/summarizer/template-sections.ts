import type { Segment } from '../transcripts/types';
import { condensed } from './compression';
import { spanOfSegments } from './grounding';
import { type MeetingKind, type SectionTemplate, templateFor } from './meeting-kinds';
import type { ScoredSentence } from './sentence-scoring';
import type { ExtractedActionItem, SummaryPoint, SummarySection } from './types';

/*
 * The local summarizer's take on a kind's template: each section gets the best-scored sentences that say its cues
 * (a stand-up's per speaker), in meeting order; action sections list the action items. Every item keeps its line.
 */

const ITEMS_PER_SECTION = 3;
const ITEMS_PER_PERSON_SECTION = 2;
const ACTION_SECTIONS = new Set(['actions', 'next_steps', 'follow_ups']);

export function templateSections(kind: MeetingKind, scored: ScoredSentence[], actionItems: ExtractedActionItem[], segments: Segment[]): SummarySection[] {
  const template = templateFor(kind);
  const statements = scored.filter(({ sentence }) => !sentence.isQuestion);
  if (!template.perPerson) {
    const used = new Set<ScoredSentence>();
    return template.sections.map((section) => ({
      key: section.key,
      title: section.title,
      items: ACTION_SECTIONS.has(section.key) && actionItems.length ? actionItems.map(actionPoint) : pick(statements, section, ITEMS_PER_SECTION, used, segments),
    }));
  }
  const speakers = [...new Set(statements.map(({ sentence }) => sentence.speaker))];
  return speakers.flatMap((person) => {
    const own = statements.filter(({ sentence }) => sentence.speaker === person);
    const used = new Set<ScoredSentence>();
    const sections = template.sections.map((section) => ({ key: section.key, title: section.title, person, items: pick(own, section, ITEMS_PER_PERSON_SECTION, used, segments) }));
    return sections.some((section) => section.items.length > 0) ? sections : [];
  });
}

/** The best sentences that say the section's cues and no earlier section took, in meeting order. */
function pick(candidates: ScoredSentence[], section: SectionTemplate, count: number, used: Set<ScoredSentence>, segments: Segment[]): SummaryPoint[] {
  const chosen = candidates
    .filter((item) => !used.has(item) && section.cues.test(item.sentence.text))
    .sort((a, b) => b.score - a.score || a.sentence.index - b.sentence.index)
    .slice(0, count);
  for (const item of chosen) used.add(item);
  return chosen
    .sort((a, b) => a.sentence.index - b.sentence.index)
    .map(({ sentence }) => ({
      text: condensed(sentence.display),
      speaker: sentence.speaker,
      at: sentence.at,
      span: spanOfSegments(segments, sentence.segmentIndex, sentence.segmentIndex),
    }));
}

function actionPoint(item: ExtractedActionItem): SummaryPoint {
  return {
    text: item.ownerName ? `${item.title} (${item.ownerName})` : item.title,
    ...(item.at !== undefined ? { at: item.at } : {}),
    ...(item.span ? { span: item.span } : {}),
  };
}
