import { z } from 'zod';
import { parseClock } from './chunking';
import { groundResult, segmentAt, spanOfSegments } from './grounding';
import { ParticipantDirectory } from './participant-match';
import { resolveMeetingKind, templateFor } from './meeting-kinds';
import type { ExtractedActionItem, MeetingSummaryResult, SummaryInput, SummaryPoint, SummarySection, SummaryTopic, TranscriptSpan } from './types';

/*
 * The structured answer every LLM summarizer asks for (as a tool's input or a JSON schema), its validation, and
 * its translation into a MeetingSummaryResult.
 */

const clock = z
  .string()
  .regex(/^\d{1,4}:[0-5]\d$/, 'must be a transcript time "mm:ss" such as "07:45"')
  .describe('Time from the start of the meeting as mm:ss, copied from the transcript line it comes from.');

const sourceSchema = z
  .object({ from: clock, to: clock })
  .describe('The transcript lines it comes from: mm:ss of the first and of the last line, copied from the transcript.');

const pointSchema = z.object({
  text: z.string().min(1),
  speaker: z.string().nullable().optional().describe('The speaker label as written in the transcript.'),
  at: clock.nullable().optional(),
  source: sourceSchema.nullable().optional(),
});

const sectionSchema = z.object({
  key: z.string().min(1).describe('A section key from the meeting context, e.g. "went_well".'),
  person: z.string().nullable().optional().describe('For sections kept per person (a stand-up): the speaker label as written in the transcript.'),
  items: z.array(pointSchema),
});

export const summarySchema = z.object({
  executiveSummary: z.string().min(1).describe('3 to 6 sentences for someone who missed the meeting.'),
  keyPoints: z.array(pointSchema).describe('The 3 to 8 most important points.'),
  decisions: z.array(pointSchema).describe('What the participants agreed or decided; empty when nothing was decided.'),
  topics: z
    .array(
      z.object({
        title: z.string().min(1),
        keywords: z.array(z.string()),
        start: clock.nullable().optional(),
        end: clock.nullable().optional(),
      }),
    )
    .describe('Main subjects in the order discussed.'),
  sentiment: z.number().min(-1).max(1).describe('Overall tone: -1 very negative, 0 neutral, 1 very positive.'),
  sections: z
    .array(sectionSchema)
    .optional()
    .describe("The sections of the meeting kind's template listed in the meeting context, in that order; empty or absent when it lists none."),
  actionItems: z.array(
    z.object({
      title: z.string().min(1).describe('Short imperative, e.g. "Send the launch checklist".'),
      description: z.string().describe('One sentence of context.'),
      owner: z
        .string()
        .nullable()
        .describe("Exactly one participant's name from the list when it is one of them; the name or role as said otherwise; null unless the source lines name or address the person or the person says they will do it."),
      dueDate: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
        .refine(isCalendarDate, 'is not a real calendar date')
        .nullable()
        .describe('YYYY-MM-DD, relative dates resolved from the meeting date in its time zone; null unless the source lines state a date or deadline.'),
      priority: z.enum(['low', 'medium', 'high', 'urgent']),
      type: z.enum(['task', 'follow_up', 'decision', 'question']),
      at: clock.nullable().optional(),
      source: sourceSchema,
    }),
  ),
});

/** The summary as the model writes it: owners as names, times as "mm:ss". Also what the reduce step reads back. */
export type SummaryAnswer = z.infer<typeof summarySchema>;

export type ParsedAnswer = { ok: true; answer: SummaryAnswer } | { ok: false; problem: string };

function isCalendarDate(value: string): boolean {
  const [year, month, day] = value.split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

let jsonSchema: (Record<string, unknown> & { type: 'object' }) | undefined;

/**
 * The answer's JSON Schema (an object schema without `$schema`), for a tool's input or a structured-output format.
 * Built once: the OpenAI-compatible and Ollama providers send it with every request. Callers must not change it.
 */
export function summaryJsonSchema(): Record<string, unknown> & { type: 'object' } {
  if (!jsonSchema) {
    const schema = z.toJSONSchema(summarySchema) as Record<string, unknown>;
    delete schema.$schema;
    jsonSchema = { ...schema, type: 'object' };
  }
  return jsonSchema;
}

/** Validates what the model sent; the problem, when there is one, is written for the model to correct. */
export function parseSummaryInput(input: unknown, what: string): ParsedAnswer {
  const result = summarySchema.safeParse(input);
  if (result.success) return { ok: true, answer: result.data };
  return { ok: false, problem: `The ${what} is invalid:\n${z.prettifyError(result.error).slice(0, 4000)}` };
}

/**
 * The answer as a result, checked against the transcript (grounding.ts): items whose source lines do not support
 * them are dropped, owners and due dates those lines do not state are removed.
 */
export function toResult(answer: SummaryAnswer, input: SummaryInput): MeetingSummaryResult {
  const directory = new ParticipantDirectory(input.participants);
  const spanOf = (source: { from: string; to: string } | null | undefined, at: number | undefined): TranscriptSpan | undefined => {
    const from = parseClock(source?.from) ?? at;
    const to = parseClock(source?.to) ?? from;
    if (from === undefined || to === undefined || input.segments.length === 0) return undefined;
    return spanOfSegments(input.segments, segmentAt(input.segments, from), segmentAt(input.segments, to));
  };
  const point = (p: SummaryAnswer['keyPoints'][number]): SummaryPoint => {
    const at = parseClock(p.at);
    const span = spanOf(p.source, at);
    return { text: p.text, ...(p.speaker ? { speaker: p.speaker } : {}), ...(at !== undefined ? { at } : {}), ...(span ? { span } : {}) };
  };
  const topic = (t: SummaryAnswer['topics'][number]): SummaryTopic => {
    const start = parseClock(t.start);
    const end = parseClock(t.end);
    return { title: t.title, keywords: t.keywords, ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) };
  };
  const actionItem = (item: SummaryAnswer['actionItems'][number]): ExtractedActionItem => {
    const owner = item.owner?.trim() || undefined;
    const participant = owner ? directory.find(owner) : undefined;
    const at = parseClock(item.at);
    const span = spanOf(item.source, at);
    return {
      title: item.title,
      description: item.description,
      ...(participant ? { ownerId: participant.id } : {}),
      ...(owner ? { ownerName: owner } : {}),
      ...(item.dueDate ? { dueDate: item.dueDate } : {}),
      priority: item.priority,
      type: item.type,
      ...(at !== undefined ? { at } : {}),
      ...(span ? { span } : {}),
    };
  };
  const kind = resolveMeetingKind(input.kind, input.title, input.segments);
  const template = new Map(templateFor(kind).sections.map((section) => [section.key, section]));
  const sections = (answer.sections ?? [])
    .filter((section) => template.has(section.key))
    .map((section): SummarySection => ({
      key: section.key,
      title: template.get(section.key)?.title ?? section.key,
      ...(section.person ? { person: section.person } : {}),
      items: section.items.map(point),
    }));
  return groundResult({
    executiveSummary: answer.executiveSummary.trim(),
    keyPoints: answer.keyPoints.map(point),
    decisions: answer.decisions.map(point),
    topics: answer.topics.map(topic),
    sentiment: answer.sentiment,
    actionItems: answer.actionItems.map(actionItem),
    kind,
    sections,
    generator: '',
  }, input);
}
