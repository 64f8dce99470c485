import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Segment } from '../transcripts/types';

/*
 * Meeting kinds and their summary templates: a stand-up is read per person (yesterday / today / blockers), a retro
 * as what went well / what to improve / actions, and so on. The kind comes with the meeting when it was scheduled
 * with one; otherwise it is inferred from the title, then from what is said. Both summarizers fill the same sections.
 */

export const MEETING_KINDS = ['standup', 'one_on_one', 'planning', 'retro', 'sales_call', 'interview', 'general'] as const;
export type BuiltInKind = (typeof MEETING_KINDS)[number];
/** A built-in kind, or one an organisation added in its templates file (MEETING_TEMPLATES_FILE). */
export type MeetingKind = string;

export interface SectionTemplate {
  key: string;
  title: string;
  /** What belongs in it, for a model's prompt. */
  asks: string;
  /** Sentences that belong in it say this (for the local summarizer). */
  cues: RegExp;
}

export interface KindTemplate {
  kind: MeetingKind;
  label: string;
  /** One set of the sections per speaker (a stand-up), rather than one for the meeting. */
  perPerson: boolean;
  sections: SectionTemplate[];
}

const section = (key: string, title: string, asks: string, cues: RegExp): SectionTemplate => ({ key, title, asks, cues });

const ACTION_CUES = /\b(?:next steps?|action items?|follow[- ]up|i'll|i will|we'll|we will|let's|we should|going to|by (?:monday|tuesday|wednesday|thursday|friday|next week|tomorrow))\b/i;

export const TEMPLATES: Readonly<Record<BuiltInKind, KindTemplate>> = {
  standup: {
    kind: 'standup',
    label: 'stand-up',
    perPerson: true,
    sections: [
      section('yesterday', 'Yesterday', 'what the person finished or worked on since the last stand-up', /\b(?:yesterday|last time|since (?:the )?last|i (?:finished|completed|worked on|fixed|merged|shipped|did|wrapped up|closed)|(?:got|was) (?:done|merged|finished))\b/i),
      section('today', 'Today', 'what the person will work on next', /\b(?:today|this morning|this afternoon|next up|i(?:'ll| will| am going to|'m going to|'m gonna| plan to) (?!be\b)|i'm (?:working on|picking up|starting))\b/i),
      section('blockers', 'Blockers', 'what blocks or slows the person down, and whom they need', /\b(?:block(?:ed|er|ers|ing)|stuck|waiting (?:on|for)|can't (?:get|move|continue|proceed)|need(?:s)? help|depend(?:s|ing)? on|held up)\b/i),
    ],
  },
  one_on_one: {
    kind: 'one_on_one',
    label: '1:1',
    perPerson: false,
    sections: [
      section('updates', 'Updates', 'progress and news each person shared', /\b(?:update|progress|finished|shipped|working on|done with|launched)\b/i),
      section('feedback', 'Feedback', 'feedback given or asked for, in both directions', /\b(?:feedback|great job|well done|could (?:do|be) better|concern(?:ed)?|appreciate|impressed|improve)\b/i),
      section('growth', 'Growth', 'goals, career, learning and wellbeing', /\b(?:career|growth|grow|promotion|learn(?:ing)?|goal|goals|training|mentor(?:ing)?|workload|burn(?:ed|t)? out|stress(?:ed)?)\b/i),
      section('follow_ups', 'Follow-ups', 'what each agreed to do before the next 1:1', ACTION_CUES),
    ],
  },
  planning: {
    kind: 'planning',
    label: 'planning',
    perPerson: false,
    sections: [
      section('goals', 'Goals', 'the goals and priorities set for the period', /\b(?:goal|goals|objective|priorit(?:y|ies|ize)|focus|milestone|deadline|target)\b/i),
      section('scope', 'Scope', 'the work taken on, with estimates and owners', /\b(?:scope|ticket|tickets|story|stories|story points|estimate[ds]?|backlog|feature|epic|sprint|capacity|take on)\b/i),
      section('risks', 'Risks', 'risks, dependencies and open questions', /\b(?:risk|risks|risky|dependenc(?:y|ies)|depends on|blocker|concern|unknown|might slip|tight)\b/i),
    ],
  },
  retro: {
    kind: 'retro',
    label: 'retrospective',
    perPerson: false,
    sections: [
      section('went_well', 'What went well', 'what worked and should continue', /\b(?:went (?:really )?well|worked (?:really )?well|good job|great job|happy (?:with|about)|proud|smooth(?:ly)?|liked|success(?:ful)?|kudos|shout-?out|keep doing)\b/i),
      section('to_improve', 'To improve', 'what went wrong or should change', /\b(?:didn't go (?:so )?well|did not go well|went wrong|could (?:have )?be(?:en)? better|improve|problem|problems|struggled|too (?:slow|long|many|much)|frustrat\w*|painful|stop doing|pain point|missed)\b/i),
      section('actions', 'Actions', 'the changes the team commits to, with owners', /\b(?:next (?:time|sprint)|action items?|we should|let's|we(?:'ll| will) (?:try|start|stop)|going forward|from now on)\b/i),
    ],
  },
  sales_call: {
    kind: 'sales_call',
    label: 'sales call',
    perPerson: false,
    sections: [
      section('needs', 'Customer needs', "the customer's situation, needs and pain points", /\b(?:we need|they need|looking for|our (?:problem|challenge|team|process)|pain|struggl\w*|currently (?:use|using)|use case|requirement)\b/i),
      section('objections', 'Objections', 'concerns and objections raised', /\b(?:concern(?:ed)?|worried|too expensive|expensive|not sure|hesitant|competitor|security review|compliance|risk)\b/i),
      section('commercials', 'Pricing and terms', 'prices, budgets, contract terms and timelines discussed', /\b(?:price|pricing|cost|budget|contract|licen[cs]e|seats?|discount|quote|proposal|renewal|trial|per (?:user|month|year))\b/i),
      section('next_steps', 'Next steps', 'what each side agreed to do next', ACTION_CUES),
    ],
  },
  interview: {
    kind: 'interview',
    label: 'interview',
    perPerson: false,
    sections: [
      section('background', 'Background', "the candidate's experience and background", /\b(?:experience|background|worked (?:at|on|as)|years|previous(?:ly)?|role|degree|studied|my last job)\b/i),
      section('strengths', 'Strengths', 'skills and strengths shown or described', /\b(?:strong|strength|good at|skilled|expert(?:ise)?|led|built|designed|impressive|proud)\b/i),
      section('concerns', 'Concerns', 'gaps, concerns and open questions about fit', /\b(?:concern|gap|weakness|not (?:much|very) experience|haven't (?:used|worked)|never (?:used|worked)|struggle|unsure|worried)\b/i),
      section('next_steps', 'Next steps', 'what happens next in the process', /\b(?:next (?:step|round|stage)|we'll (?:get back|be in touch)|follow up|reference|offer|decision by|hear from us)\b/i),
    ],
  },
  general: { kind: 'general', label: 'meeting', perPerson: false, sections: [] },
};

/** Words in a title that name the kind ("Daily stand-up", "1:1 Ana / Ben", "Sprint 14 planning", "Q3 retro"). */
const TITLE_CUES: ReadonlyArray<[MeetingKind, RegExp]> = [
  ['standup', /\b(?:stand-?\s?ups?|daily(?: sync| scrum)?|scrum)\b/i],
  ['retro', /\b(?:retro|retros|retrospective|post-?mortem|lessons learned)\b/i],
  ['one_on_one', /(?:\b1\s?[:-]\s?1\b|\b1\s?on\s?1\b|\bone[- ]on[- ]one\b|\b1o1\b)/i],
  ['interview', /\b(?:interview|candidate|screening|phone screen|hiring)\b/i],
  ['sales_call', /\b(?:sales|discovery call|demo (?:for|with)|prospect|customer call|pitch|renewal|deal)\b/i],
  ['planning', /\b(?:planning|sprint plan|roadmap|kick-?off|quarterly plan|okrs?)\b/i],
];

/** What is said in each kind: counted over the transcript, a kind wins with enough distinct cues. */
const SPEECH_CUES: ReadonlyArray<[MeetingKind, RegExp]> = [
  ['standup', /\b(?:yesterday i|today i(?:'ll| will| am|'m)|any blockers|no blockers|i'm blocked|blocked on|stand-?up)\b/gi],
  ['retro', /\b(?:went (?:really )?well|did(?:n't| not) go (?:so )?well|what went wrong|retro(?:spective)?|what could we improve|keep doing|stop doing|start doing)\b/gi],
  ['interview', /\b(?:tell me about yourself|your (?:experience|background|resume|cv)|the candidate|why do you want|this role|notice period|salary expectations?)\b/gi],
  ['sales_call', /\b(?:pricing|our product|your team|per seat|per user|the contract|free trial|a demo|your budget|decision makers?|procurement)\b/gi],
  ['planning', /\b(?:this sprint|next sprint|the backlog|story points|estimate[ds]?|the roadmap|capacity|priorit(?:y|ies|ize) for)\b/gi],
];
/** Distinct cues a kind needs in the first 3,000 words to be inferred without a title. */
const MIN_CUES = 3;
const CUE_WORDS = 3000;

/** The kind the meeting was scheduled as, else the title's, else what the talk sounds like, else 'general'. */
export function resolveMeetingKind(given: string | undefined, title: string | undefined, segments: Segment[]): MeetingKind {
  if (given && knownKinds().includes(given)) return given;
  return kindFromTitle(title) ?? kindFromSpeech(segments) ?? 'general';
}

/** The organisation's own kinds answer first: their title words are more specific than the built-in ones. */
export function kindFromTitle(title: string | undefined): MeetingKind | undefined {
  if (!title) return undefined;
  return customTemplates.find((template) => template.titleCue?.test(title))?.kind ?? TITLE_CUES.find(([, cue]) => cue.test(title))?.[0];
}

/*
 * Templates an organisation adds in configuration: a JSON file (MEETING_TEMPLATES_FILE) with a list of kinds,
 * each with the words its titles use and its sections, each section with the phrases its sentences say:
 *   [{ "kind": "design_review", "label": "design review", "titleWords": ["design review", "crit"],
 *      "sections": [{ "key": "options", "title": "Options", "asks": "the designs considered", "cues": ["option", "we could"] }] }]
 * Loaded once at start by the API and the worker (createProviders), so both know the kinds.
 */
interface CustomTemplate extends KindTemplate {
  titleCue?: RegExp;
}

let customTemplates: CustomTemplate[] = [];

const kindKey = z.string().regex(/^[a-z][a-z0-9_]{1,19}$/, 'must be 2-20 lowercase letters, digits or _, starting with a letter');
const phrases = z.array(z.string().trim().min(1).max(80)).min(1).max(50);
const templatesFileSchema = z
  .array(
    z.object({
      kind: kindKey.refine((kind) => !(MEETING_KINDS as readonly string[]).includes(kind), 'is a built-in kind: choose another name'),
      label: z.string().trim().min(1).max(60),
      perPerson: z.boolean().default(false),
      titleWords: phrases.optional(),
      sections: z
        .array(z.object({ key: kindKey, title: z.string().trim().min(1).max(80), asks: z.string().trim().min(1).max(300), cues: phrases }))
        .min(1)
        .max(8),
    }),
  )
  .max(50)
  .refine((list) => new Set(list.map((template) => template.kind)).size === list.length, 'two templates have the same kind');

/** Any of the phrases as whole words, case-insensitive; the phrases are text, not patterns. */
function phraseCue(words: string[]): RegExp {
  const escaped = words.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+'));
  return new RegExp(`(?<![\\w])(?:${escaped.join('|')})(?![\\w])`, 'i');
}

/** Reads and checks a templates file; a bad one is an error that names the file and what to fix. */
export function loadTemplatesFile(file: string): CustomTemplate[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`MEETING_TEMPLATES_FILE ${file}: ${(error as Error).message}`);
  }
  const parsed = templatesFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`MEETING_TEMPLATES_FILE ${file}: ${issue.path.join('.') || 'the list'} ${issue.message}`);
  }
  return parsed.data.map((template) => ({
    kind: template.kind,
    label: template.label,
    perPerson: template.perPerson,
    ...(template.titleWords ? { titleCue: phraseCue(template.titleWords) } : {}),
    sections: template.sections.map((section) => ({ key: section.key, title: section.title, asks: section.asks, cues: phraseCue(section.cues) })),
  }));
}

/** Makes an organisation's kinds known to scheduling, inference and both summarizers (replacing earlier ones). */
export function useCustomTemplates(templates: CustomTemplate[]): void {
  customTemplates = templates;
}

export function knownKinds(): string[] {
  return [...MEETING_KINDS, ...customTemplates.map((template) => template.kind)];
}

/** The template of a kind; an unknown kind (a template removed since) reads as a general meeting. */
export function templateFor(kind: MeetingKind): KindTemplate {
  return customTemplates.find((template) => template.kind === kind) ?? TEMPLATES[kind as BuiltInKind] ?? TEMPLATES.general;
}

function kindFromSpeech(segments: Segment[]): MeetingKind | undefined {
  const opening = openingText(segments, CUE_WORDS);
  const scored = SPEECH_CUES.map(([kind, cue]) => ({ kind, count: new Set((opening.match(cue) ?? []).map((hit) => hit.toLowerCase())).size }));
  const best = scored.reduce((a, b) => (b.count > a.count ? b : a));
  if (best.count >= MIN_CUES) return best.kind;
  const speakers = new Set(segments.map((segment) => segment.speaker));
  // Two people and nothing that marks another kind: most two-person meetings are 1:1s.
  return speakers.size === 2 && segments.length >= 10 ? 'one_on_one' : undefined;
}

function openingText(segments: Segment[], words: number): string {
  const parts: string[] = [];
  let count = 0;
  for (const segment of segments) {
    if (count >= words) break;
    parts.push(segment.text);
    count += segment.text.split(/\s+/).length;
  }
  return parts.join(' ');
}
