import { findPassages, type Passage } from '../db/ask';
import { ActionItem, type ActionItemEntity } from '../db/entities';
import { STOPWORDS } from '../integrations/summarizer/stopwords';
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
  /** What to read: quoted passages (or open items), each with where it was said. */
  answer: string;
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

const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;
const day = (date: Date | string | null) => (date ? new Date(date).toISOString().slice(0, 10) : 'undated');

/**
 * Answers a question from the meetings the asker may see, with citations: what they owe (their open action items,
 * narrowed to a person they name), or the transcript lines that best match it, quoted with speaker, meeting and
 * time. Extractive: every word of the answer was said in a meeting or stored from one.
 */
export async function askMeetings(deps: Pick<CommandDeps, 'em'>, actor: Actor & { kind: 'person' }, question: string, publicUrl: string): Promise<Answer> {
  const terms = questionTerms(question);
  await audit(deps.em, actor, { action: 'meetings.ask', target: { type: 'user', id: actor.user.id }, details: { question: question.slice(0, 500), terms } });
  if (ABOUT_MY_ITEMS.test(question)) return myOpenItems(deps, actor, question, terms, publicUrl);
  const passages = await findPassages(deps.em, actor.user, terms, PASSAGES);
  const citations = passages.map((passage) => citationOf(passage, publicUrl));
  const answer = citations.length
    ? `From your meetings:\n${citations.map((c) => `• “${c.text}” (${c.speaker}, ${c.meeting.title}, ${day(c.meeting.start)} at ${clock(c.at)}) ${c.url}`).join('\n')}`
    : `Nothing in the meetings you can see matches “${question.trim()}”${terms.length ? ` (looked for: ${terms.join(', ')})` : ''}.`;
  return { question, answer, citations };
}

function citationOf(passage: Passage, publicUrl: string): Citation {
  return {
    meeting: { id: passage.meetingId, title: passage.title, start: passage.start ? new Date(passage.start).toISOString() : null },
    speaker: passage.speaker,
    at: Number(passage.at),
    text: passage.text,
    url: `${publicUrl}/meetings/${passage.meetingId}/notes#segment-${passage.segment}`,
  };
}

async function myOpenItems(deps: Pick<CommandDeps, 'em'>, actor: Actor & { kind: 'person' }, question: string, terms: string[], publicUrl: string): Promise<Answer> {
  const items = await deps.em.find(ActionItem, { assignedTo: actor.user.id, status: { $in: ['open', 'in_progress'] } }, { populate: ['room', 'room.host'], orderBy: { dueDate: 'asc', createdAt: 'asc' } });
  // "What do I owe Alice?": the items from meetings Alice hosted, when a word of the question is in a host's name.
  const named = items.filter((item) => terms.some((term) => item.room.host.name.toLowerCase().split(/\s+/).includes(term)));
  const chosen = named.length ? named : items;
  const view = (item: ActionItemEntity) => ({ id: item.id, title: item.title, dueDate: item.dueDate ?? null, meeting: { id: item.room.id, title: item.room.name }, url: `${publicUrl}/meetings/${item.room.id}/notes#item-${item.id}` });
  const actionItems = chosen.map(view);
  const whose = named.length ? ` from meetings ${named[0].room.host.name} hosted` : '';
  const answer = actionItems.length
    ? `Your open action items${whose}:\n${actionItems.map((item) => `• ${item.title}${item.dueDate ? `, due ${item.dueDate}` : ''} (${item.meeting.title}) ${item.url}`).join('\n')}`
    : `You have no open action items${whose}.`;
  return { question, answer, citations: [], actionItems };
}
