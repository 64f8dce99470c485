import { findPassages, type Passage } from '../db/ask';
import type { Answerer } from '../integrations/answerer/types';
import { ActionItem, type ActionItemEntity } from '../db/entities';
import { PUBLISHED_SUMMARY } from '../db/summaries';
import { STOPWORDS } from '../integrations/summarizer/stopwords';
import { clock } from '../policies/clock';
import { type Actor, audit, type CommandDeps } from './types';

/** Where an answer comes from: a line of a meeting, and the link to it on the meeting's page. */
export interface Citation {
  meeting: { id: string; title: string; start: string | null };
  speaker: string;
  /** Seconds from the recording's start. */
  at: number;
  text: string;
  url: string;
}

export interface Answer {
  question: string;
  /** What to read: the model's answer with its sources, or quoted passages (or open items), each with where it was said. */
  answer: string;
  /** The model that wrote it from the cited passages alone ('claude', 'openai', 'ollama'); extractive: the passages themselves (or open items). */
  answeredBy: string;
  citations: Citation[];
  /** For questions about what the asker owes: their open action items. */
  actionItems?: { id: string; title: string; dueDate: string | null; meeting: { id: string; title: string }; url: string }[];
}

const PASSAGES = 5;
/** Words that shape a question but name nothing it is about. */
const QUESTION_WORDS = new Set('what when where which who whom whose why how did does do was were will would should could we our us you your they said say says talk talked discuss discussed mention mentioned meeting meetings tell know'.split(' '));
/** "what do I owe", "my tasks", "assigned to me": questions about the asker's own open items. */
const ABOUT_MY_ITEMS = /\b(i owe|do i owe|my (open )?(tasks|action items|to-?dos)|assigned to me|on my plate|(do|did) i (need|have) to|i promised)\b/i;

/** The words of a question worth searching for: lowercase letters and digits, no function words. */
export function questionTerms(question: string): string[] {
  const words = question.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  return [...new Set(words.filter((word) => word.length >= 3 && !STOPWORDS.has(word) && !QUESTION_WORDS.has(word)))].slice(0, 12);
}

const day = (date: Date | string | null) => (date ? new Date(date).toISOString().slice(0, 10) : 'undated');

export type AskDeps = Pick<CommandDeps, 'em'> & {
  /** Writes the answer from the passages found; unset: the passages, quoted, are the answer. */
  answerer?: Answerer | undefined;
  /** Told why the answerer failed (the asker still gets the quoted lines). */
  onAnswererError?: (error: unknown) => void;
};

/** Said above the quoted lines when the model was asked and failed. */
const fallbackLabel = (answerer: Answerer) => `${answerer.label} could not answer just now, so here are the lines from your meetings that match.`;

/**
 * Answers a question from the meetings the asker may see, with citations: what they owe (their open action items,
 * narrowed to a person they name), or the transcript lines that best match it, quoted with speaker, meeting and
 * time. With an answerer (Claude, or a self-hosted model), it writes the answer from those lines alone and the lines are its sources; when it
 * fails, the quoted lines are the answer, labelled so.
 */
export async function askMeetings(deps: AskDeps, actor: Actor & { kind: 'person' }, question: string, publicUrl: string): Promise<Answer> {
  const terms = questionTerms(question);
  await audit(deps.em, actor, { action: 'meetings.ask', target: { type: 'user', id: actor.user.id }, details: { question: question.slice(0, 500), terms } });
  if (ABOUT_MY_ITEMS.test(question)) return myOpenItems(deps, actor, question, terms, publicUrl);
  const passages = await findPassages(deps.em, actor.user, terms, PASSAGES);
  const citations = passages.map((passage) => citationOf(passage, publicUrl));
  if (!citations.length) {
    const answer = `Nothing in the meetings you can see matches “${question.trim()}”${terms.length ? ` (looked for: ${terms.join(', ')})` : ''}.`;
    return { question, answer, answeredBy: 'extractive', citations };
  }
  const quoted = `From your meetings:\n${citations.map((c) => `• “${c.text}” (${where(c)}) ${c.url}`).join('\n')}`;
  if (!deps.answerer) return { question, answer: quoted, answeredBy: 'extractive', citations };
  const written = await deps.answerer.answer(question, citations.map(passageFor)).catch((error: unknown) => {
    deps.onAnswererError?.(error);
    return undefined;
  });
  if (written === undefined) return { question, answer: `${fallbackLabel(deps.answerer)}\n${quoted}`, answeredBy: 'extractive', citations };
  const sources = citations.map((c, i) => `[${i + 1}] ${where(c)} ${c.url}`).join('\n');
  return { question, answer: `${written}\n\nSources:\n${sources}`, answeredBy: deps.answerer.name, citations };
}

/** "Bob Baker, Quarterly planning, 2026-11-30 at 1:02:05": who said a line, in which meeting, and when in it. */
const where = (c: Citation) => `${c.speaker}, ${c.meeting.title}, ${day(c.meeting.start)} at ${clock(c.at)}`;

const passageFor = (c: Citation) => ({ speaker: c.speaker, meeting: c.meeting.title, day: day(c.meeting.start), at: clock(c.at), text: c.text });

function citationOf(passage: Passage, publicUrl: string): Citation {
  return {
    meeting: { id: passage.meetingId, title: passage.title, start: passage.start ? new Date(passage.start).toISOString() : null },
    speaker: passage.speaker,
    at: Number(passage.at),
    text: passage.text,
    url: `${publicUrl}/meetings/${passage.meetingId}/notes#segment-${passage.segment}`,
  };
}

async function myOpenItems(deps: AskDeps, actor: Actor & { kind: 'person' }, question: string, terms: string[], publicUrl: string): Promise<Answer> {
  const items = await deps.em.find(ActionItem, { assignedTo: actor.user.id, status: { $in: ['open', 'in_progress'] }, summary: PUBLISHED_SUMMARY }, { populate: ['room', 'room.host'], orderBy: { dueDate: 'asc', createdAt: 'asc' } });
  // "What do I owe Alice?": the items from meetings Alice hosted, when a word of the question is in a host's name.
  const named = items.filter((item) => terms.some((term) => item.room.host.name.toLowerCase().split(/\s+/).includes(term)));
  const chosen = named.length ? named : items;
  const view = (item: ActionItemEntity) => ({ id: item.id, title: item.title, dueDate: item.dueDate ?? null, meeting: { id: item.room.id, title: item.room.name }, url: `${publicUrl}/meetings/${item.room.id}/notes#item-${item.id}` });
  const actionItems = chosen.map(view);
  const whose = named.length ? ` from meetings ${named[0].room.host.name} hosted` : '';
  const answer = actionItems.length
    ? `Your open action items${whose}:\n${actionItems.map((item) => `• ${item.title}${item.dueDate ? `, due ${item.dueDate}` : ''} (${item.meeting.title}) ${item.url}`).join('\n')}`
    : `You have no open action items${whose}.`;
  return { question, answer, answeredBy: 'extractive', citations: [], actionItems };
}
