import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadQmsumMeetings } from '../../bench/lib/qmsum-fixtures';
import { summarizeLocally } from '../../integrations/summarizer/local';
import { kindFromTitle, knownKinds, loadTemplatesFile, resolveMeetingKind, useCustomTemplates } from '../../integrations/summarizer/meeting-kinds';
import { meetingContext } from '../../integrations/summarizer/summary-prompt';
import type { SummaryInput } from '../../integrations/summarizer/types';
import type { Segment } from '../../integrations/transcripts/types';
import { INPUT, MEETING_DATE } from './meeting-sample';

const lines = (rows: Array<[string, string]>): Segment[] => rows.map(([speaker, text], i) => ({ speaker, start: i * 10, end: i * 10 + 9, text }));

const STANDUP = lines([
  ['Maya', "Okay, let's start the daily. Priya, you go first."],
  ['Priya', 'Yesterday I finished the payment retry logic and merged the pull request for the invoice export.'],
  ['Priya', "Today I'll start on the refund webhook and write the integration tests for it."],
  ['Priya', "I'm blocked on the sandbox credentials from the payments provider, still waiting on Tom for those."],
  ['Tom', 'I worked on the dashboard filters yesterday and fixed the date picker bug in Safari.'],
  ['Tom', "Today I'm going to request the sandbox credentials for Priya and then continue the filters."],
  ['Tom', 'No blockers for me.'],
  ['Maya', 'Great, thanks both.'],
]);

const RETRO = lines([
  ['Lea', 'Welcome to the sprint retro. Let us look at what went well first.'],
  ['Sam', 'The release went really well, the new deploy pipeline worked smoothly and nobody had to stay late.'],
  ['Ana', 'I was happy with how quickly we fixed the login incident on Tuesday.'],
  ['Sam', 'What did not go well was code review, pull requests waited too long for reviewers.'],
  ['Ana', 'The planning estimates were too optimistic again and we missed two stories.'],
  ['Lea', 'Next sprint we should cap work in progress at three stories per person.'],
  ['Sam', "I'll set up a review rotation so every pull request gets a reviewer within a day."],
]);

const input = (segments: Segment[], extra: Partial<SummaryInput> = {}): SummaryInput => ({ segments, participants: [], meetingDate: MEETING_DATE, ...extra });

describe('meeting kinds', () => {
  it('reads the kind from the title', () => {
    expect(kindFromTitle('Daily stand-up')).toBe('standup');
    expect(kindFromTitle('Payments standup')).toBe('standup');
    expect(kindFromTitle('1:1 Ana / Ben')).toBe('one_on_one');
    expect(kindFromTitle('Ana <> Ben one-on-one')).toBe('one_on_one');
    expect(kindFromTitle('Sprint 14 planning')).toBe('planning');
    expect(kindFromTitle('Q3 retrospective')).toBe('retro');
    expect(kindFromTitle('Discovery call with Acme')).toBe('sales_call');
    expect(kindFromTitle('Interview: senior backend engineer')).toBe('interview');
    expect(kindFromTitle('Mobile app launch')).toBeUndefined();
  });

  it('uses the scheduled kind first, then the title, then what is said; an unknown scheduled kind is ignored', () => {
    expect(resolveMeetingKind('interview', 'Daily stand-up', STANDUP)).toBe('interview');
    expect(resolveMeetingKind('brainstorm', 'Daily stand-up', STANDUP)).toBe('standup');
    expect(resolveMeetingKind(undefined, undefined, RETRO)).toBe('retro');
    expect(resolveMeetingKind(undefined, INPUT.title, INPUT.segments)).toBe('general');
  });

  it('infers no special kind for the six QMSum meetings (kick-offs, research meetings, a committee)', () => {
    const meetings = loadQmsumMeetings(path.resolve(__dirname, '../fixtures/qmsum'));
    expect(meetings.map((meeting) => resolveMeetingKind(undefined, undefined, meeting.segments))).toEqual(meetings.map(() => 'general'));
  });
});

describe('the local summarizer fills the kind template', () => {
  it('a stand-up: yesterday, today and blockers for each person who gave an update, each with its line', () => {
    const summary = summarizeLocally(input(STANDUP, { title: 'Daily stand-up' }));

    expect(summary.kind).toBe('standup');
    const byPerson = (person: string) => Object.fromEntries((summary.sections ?? []).filter((s) => s.person === person).map((s) => [s.key, s.items.map((item) => item.text)]));
    expect(byPerson('Priya')).toEqual({
      yesterday: ['Yesterday I finished the payment retry logic and merged the pull request for the invoice export.'],
      today: ["Today I'll start on the refund webhook and write the integration tests for it."],
      blockers: ["I'm blocked on the sandbox credentials from the payments provider, still waiting on Tom for those."],
    });
    expect(byPerson('Tom')).toEqual({
      yesterday: ['I worked on the dashboard filters yesterday and fixed the date picker bug in Safari.'],
      today: ["Today I'm going to request the sandbox credentials for Priya and then continue the filters."],
      blockers: [],
    });
    // The facilitator gave no update.
    expect(byPerson('Maya')).toEqual({});
    const blocker = summary.sections?.find((s) => s.person === 'Priya' && s.key === 'blockers')?.items[0];
    expect(blocker).toMatchObject({ speaker: 'Priya', span: { firstSegment: 3, lastSegment: 3 } });
  });

  it('a retro without a title: what went well, what to improve, and the actions from the action items', () => {
    const summary = summarizeLocally(input(RETRO));

    expect(summary.kind).toBe('retro');
    expect(summary.sections?.map((s) => [s.title, s.items.map((item) => item.text)])).toEqual([
      ['What went well', ['The release went well, the new deploy pipeline worked smoothly and nobody had to stay late.', 'I was happy with how quickly we fixed the login incident on Tuesday.']],
      ['To improve', ['What did not go well was code review, pull requests waited too long for reviewers.', 'The planning estimates were too optimistic again and we missed two stories.']],
      ['Actions', ['Set up a review rotation so every pull request gets a reviewer within a day (Sam)']],
    ]);
  });

  it('a general meeting has no sections, and the prompt of an LLM names the template only when there is one', () => {
    expect(summarizeLocally(INPUT)).toMatchObject({ kind: 'general', sections: [] });
    expect(meetingContext(INPUT)).not.toMatch(/Meeting kind/);
    const context = meetingContext(input(STANDUP, { title: 'Daily stand-up' }));
    expect(context).toMatch(/Meeting kind: stand-up\. Fill "sections" with: Give these sections once for each person/);
    expect(context).toMatch(/- blockers \(Blockers\): /);
  });
});

describe("an organisation's own templates (MEETING_TEMPLATES_FILE)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'meetflow-templates-'));
  const file = (name: string, body: unknown) => {
    const where = path.join(dir, name);
    writeFileSync(where, typeof body === 'string' ? body : JSON.stringify(body));
    return where;
  };
  const DESIGN_REVIEW = [
    {
      kind: 'design_review',
      label: 'design review',
      titleWords: ['design review', 'design crit'],
      sections: [
        { key: 'options', title: 'Options', asks: 'the designs considered', cues: ['option', 'we could', 'alternative'] },
        { key: 'feedback', title: 'Feedback', asks: 'what reviewers liked or questioned', cues: ['i like', 'confusing'] },
      ],
    },
  ];
  const REVIEW = lines([
    ['Iris', 'Thanks for joining the review of the checkout redesign.'],
    ['Iris', 'The first option is a single page checkout with the address and payment side by side.'],
    ['Noah', 'I like how the single page version shows the total price the whole time.'],
    ['Kim', 'We could also keep three steps but show a progress bar at the top.'],
    ['Noah', 'The coupon field in the second design is confusing, people will look for it under the total.'],
    ['Iris', 'Thanks everyone, that is all for today.'],
  ]);

  afterEach(() => useCustomTemplates([]));

  it('a kind of its own is picked by its title words, filled by the local summarizer and named to the LLMs', () => {
    useCustomTemplates(loadTemplatesFile(file('ok.json', DESIGN_REVIEW)));

    expect(knownKinds()).toContain('design_review');
    expect(kindFromTitle('Design crit: checkout')).toBe('design_review');
    const summary = summarizeLocally(input(REVIEW, { title: 'Design review: checkout' }));
    expect(summary.kind).toBe('design_review');
    expect(summary.sections?.map((s) => [s.title, s.items.map((item) => item.speaker)])).toEqual([
      ['Options', ['Iris', 'Kim']],
      ['Feedback', ['Noah', 'Noah']],
    ]);
    expect(meetingContext(input(REVIEW, { kind: 'design_review' }))).toMatch(/Meeting kind: design review\. Fill "sections" with:\n- options \(Options\): the designs considered/);
  });

  it('without the file the kind is unknown: a scheduled design_review reads as what its words say', () => {
    expect(knownKinds()).not.toContain('design_review');
    expect(resolveMeetingKind('design_review', 'Design review: checkout', REVIEW)).toBe('general');
  });

  it('a bad file is refused with the file and the field to fix', () => {
    expect(() => loadTemplatesFile(file('broken.json', '[{'))).toThrow(/^MEETING_TEMPLATES_FILE .*broken\.json: /);
    expect(() => loadTemplatesFile(file('builtin.json', [{ ...DESIGN_REVIEW[0], kind: 'retro' }]))).toThrow(/0\.kind is a built-in kind/);
    expect(() => loadTemplatesFile(file('nosections.json', [{ ...DESIGN_REVIEW[0], sections: [] }]))).toThrow(/0\.sections /);
    expect(() => loadTemplatesFile(file('badkey.json', [{ ...DESIGN_REVIEW[0], kind: 'Design Review' }]))).toThrow(/0\.kind must be 2-20 lowercase letters/);
  });
});
