import * as path from 'node:path';
import { condensed } from '../../integrations/summarizer/compression';
import { overviewLine, purposeSentence, shortSpeakerName } from '../../integrations/summarizer/extractive';
import { LocalSummarizer, summarizeLocally } from '../../integrations/summarizer/local';
import { scoreSentences } from '../../integrations/summarizer/sentence-scoring';
import { splitSentences } from '../../integrations/summarizer/sentences';
import { namesNoSubject } from '../../integrations/summarizer/stopwords';
import type { ExtractedActionItem, SummaryInput } from '../../integrations/summarizer/types';
import { parseTranscriptFile } from '../../integrations/transcripts/parse';
import type { Segment } from '../../integrations/transcripts/types';
import { INPUT, MEETING_DATE } from './meeting-sample';

// Shipped with the repository (test/fixtures/qmsum), so the tests need nothing outside it.
const QMSUM_DIR = path.resolve(__dirname, '../fixtures/qmsum');

function itemAbout(items: ExtractedActionItem[], words: RegExp): ExtractedActionItem {
  const item = items.find((candidate) => words.test(candidate.title));
  if (!item) throw new Error(`no action item matching ${words}; got: ${items.map((i) => i.title).join(' | ')}`);
  return item;
}

function monologue(text: string): SummaryInput {
  return { segments: [{ speaker: 'Ann', start: 0, end: 30, text }], participants: [], meetingDate: MEETING_DATE };
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

describe('summarizeLocally on a small product meeting', () => {
  const summary = summarizeLocally(INPUT);

  it('is labelled as the local generator and has a non-empty executive summary', () => {
    expect(summary.generator).toBe('local');
    expect(wordCount(summary.executiveSummary)).toBeGreaterThan(10);
    expect(summary.executiveSummary).not.toMatch(/\b(?:um|uh|mm-hmm)\b/i);
  });

  it('gives 3 to 8 key points with speaker and time', () => {
    expect(summary.keyPoints.length).toBeGreaterThanOrEqual(3);
    expect(summary.keyPoints.length).toBeLessThanOrEqual(8);
    for (const point of summary.keyPoints) {
      expect(point.speaker).toEqual(expect.any(String));
      expect(point.at).toEqual(expect.any(Number));
    }
  });

  it('finds the decisions with who said them', () => {
    expect(summary.decisions).toEqual([
      expect.objectContaining({ text: 'After the discussion we agreed to launch the mobile app on December 10.', speaker: 'Alice' }),
      expect.objectContaining({ text: "Let's go with the smaller ads budget for the first month of the launch.", speaker: 'Carol' }),
    ]);
  });

  it('assigns action items to the right participants with resolved due dates', () => {
    const items = summary.actionItems;
    expect(itemAbout(items, /launch checklist/)).toMatchObject({
      ownerId: 'u-alice',
      dueDate: '2026-11-27',
      type: 'task',
      priority: 'medium',
    });
    expect(itemAbout(items, /release notes/)).toMatchObject({ ownerId: 'u-bob', ownerName: 'Bob', dueDate: '2026-11-26' });
    expect(itemAbout(items, /press release/)).toMatchObject({ ownerId: 'u-carol', dueDate: '2026-12-04' });
    expect(itemAbout(items, /login crash/)).toMatchObject({ ownerId: 'u-bob', priority: 'urgent', title: 'Fix the login crash on older phones' });
    expect(itemAbout(items, /design agency/)).toMatchObject({ ownerId: 'u-carol', dueDate: '2026-12-09', type: 'follow_up' });
  });

  it('writes short imperative titles without the date phrase, and skips figures of speech', () => {
    expect(itemAbout(summary.actionItems, /launch checklist/).title).toBe('Send the launch checklist to the whole team');
    expect(summary.actionItems.every((item) => item.title.length <= 80)).toBe(true);
    expect(summary.actionItems.some((item) => /honest/i.test(item.title))).toBe(false);
    expect(summary.actionItems).toHaveLength(5);
  });

  it('splits the meeting into titled topics with keywords and times', () => {
    expect(summary.topics.length).toBeGreaterThan(0);
    for (const topic of summary.topics) {
      expect(topic.title).not.toBe('');
      expect(topic.keywords.length).toBeGreaterThan(0);
      expect(topic.start).toBeLessThanOrEqual(topic.end ?? Infinity);
    }
  });

  it('is deterministic', () => {
    expect(summarizeLocally(INPUT)).toEqual(summary);
  });
});

describe('summarizeLocally details', () => {
  it('scores a clearly positive meeting above zero and a clearly negative one below', () => {
    const positive = summarizeLocally(monologue('This release is great. I love the new design, excellent work, the customers are happy.'));
    const negative = summarizeLocally(monologue('This release is terrible. The upload is broken, customers are angry and the delay is frustrating.'));
    expect(positive.sentiment).toBeGreaterThan(0.3);
    expect(negative.sentiment).toBeLessThan(-0.3);
    expect(positive.sentiment).toBeLessThanOrEqual(1);
    expect(negative.sentiment).toBeGreaterThanOrEqual(-1);
  });

  it('reads "not good" as negative', () => {
    expect(summarizeLocally(monologue('The new onboarding flow is not good and not easy to use.')).sentiment).toBeLessThan(0);
  });

  it('resolves "by Friday" in the meeting time zone, not UTC', () => {
    const lateEvening = new Date('2026-11-26T23:30:00Z'); // Thursday in UTC, already Friday 00:30 in Berlin
    const segments: Segment[] = [{ speaker: 'Ann', start: 0, end: 5, text: "I'll send the invoice by tomorrow." }];
    const inBerlin = summarizeLocally({ segments, participants: [], meetingDate: lateEvening, timeZone: 'Europe/Berlin' });
    const inUtc = summarizeLocally({ segments, participants: [], meetingDate: lateEvening });
    expect(inBerlin.actionItems[0].dueDate).toBe('2026-11-28');
    expect(inUtc.actionItems[0].dueDate).toBe('2026-11-27');
    expect(inUtc.actionItems[0]).toMatchObject({ ownerName: 'Ann', title: 'Send the invoice' });
    expect(inUtc.actionItems[0].ownerId).toBeUndefined();
  });

  it('returns an empty summary for a meeting without speech', () => {
    expect(summarizeLocally({ segments: [], participants: [], meetingDate: MEETING_DATE })).toEqual({
      executiveSummary: '',
      keyPoints: [],
      decisions: [],
      topics: [],
      sentiment: 0,
      actionItems: [],
      kind: 'general',
      sections: [],
      generator: 'local',
    });
  });

  it('quotes a sentence without the connective that pointed at the one before it: "However, we may ..." reads "We may ..."', () => {
    expect(condensed('However, we may run into a problem with the reading task.')).toBe('We may run into a problem with the reading task.');
    expect(condensed('Also we need a second microphone.')).toBe('We need a second microphone.');
    // Only at the start: inside a sentence the connective links its own two halves.
    expect(condensed('The plan is fine, however the budget is not.')).toBe('The plan is fine, however the budget is not.');
  });

  it('states a decision without hedges or a restart left by them: "I think we just we\'ll go with" reads "We\'ll go with"', () => {
    const segments: Segment[] = [{ speaker: 'Ann', start: 0, end: 10, text: "I think we just we'll go with the smaller battery." }];
    expect(summarizeLocally({ segments, participants: [], meetingDate: MEETING_DATE }).decisions.map((decision) => decision.text)).toEqual(["We'll go with the smaller battery."]);
  });

  it('quotes a restarted phrase once: "with an a with an agenda" reads "with an agenda"', () => {
    const said = (text: string) => splitSentences([{ speaker: 'Ann', start: 0, end: 10, text }]).map((sentence) => sentence.display);
    expect(said('We start with an a with an agenda for the launch.')).toEqual(['We start with an agenda for the launch.']);
    expect(said('I think it could be that f it could be that the battery is too small.')).toEqual(['I think it could be that the battery is too small.']);
    expect(said('Um Th Okay, the basic thing is a user interface.')).toEqual(['The basic thing is a user interface.']);
    expect(said('The plan is fine, but OK, we ship it later.')).toEqual(['The plan is fine, but OK, we ship it later.']);
    expect(said("We're we decided early on to ship it, and I'm I think done.")).toEqual(['We decided early on to ship it, and I think done.']);
    expect(said("They'll be there, and we'll see whether we're right.")).toEqual(["They'll be there, and we'll see whether we're right."]);
    // Idioms whose words come back after a short word are not restarts: a repeated phrase needs two words or more.
    expect(said('We went over it step by step, day to day.')).toEqual(['We went over it step by step, day to day.']);
  });

  it('leads with the opening that says which meeting this is: "Welcome to the ... review", "... committee"', () => {
    const opening = (text: string) => {
      const talk = ['The checkout page loses a third of its visitors at the payment step.', 'We could move the coupon field below the total to keep people going.', 'The mobile layout needs bigger buttons for the card number and the expiry date.', 'Our support team hears every week that the address form rejects valid postcodes.', 'The analytics show most people leave when the shipping cost appears late.'];
      const segments: Segment[] = [text, ...talk].map((line, i) => ({ speaker: i % 2 ? 'Ben' : 'Ann', start: i * 120, end: i * 120 + 20, text: line }));
      return purposeSentence(scoreSentences(splitSentences(segments)))?.sentence.display;
    };
    expect(opening('Welcome to the weekly design review of the checkout project.')).toBe('Welcome to the weekly design review of the checkout project.');
    expect(opening('Welcome everyone to the fourth meeting of the special committee on the checkout project.')).toMatch(/^Welcome everyone to the fourth meeting/);
    // A welcome that names no meeting is small talk, not the meeting's purpose.
    expect(opening('Welcome to the checkout page, said the banner we tested with our customers.')).toBeUndefined();
    // What the time is for, said without naming the meeting: "we've got half an hour ... to discuss the ...".
    expect(opening("We've got half an hour for this one to discuss the checkout redesign.")).toBe("We've got half an hour for this one to discuss the checkout redesign.");
    expect(opening('The shipping cost would have to be reviewed by the finance team first.')).toBeUndefined();
  });

  it('names every topic of a long meeting in its overview line, and two of a short one\'s', () => {
    const topic = (keywords: string[], i: number) => ({ title: keywords[0], keywords, start: i * 600, end: i * 600 + 600 });
    const seven = ['budget', 'hiring', 'office move', 'security audit', 'roadmap', 'customer churn', 'pricing'].map((word, i) => topic([word, `${word} extra`], i));
    expect(overviewLine(seven)).toBe('The discussion covered budget, hiring, office move, security audit, roadmap, customer churn and pricing.');
    const three = [['budget', 'travel'], ['hiring', 'interviews'], ['roadmap', 'launch']].map(topic);
    expect(overviewLine(three)).toBe('The discussion covered budget, hiring, roadmap, travel, interviews and launch.');
  });

  it('names topics by their subjects, not by what people thought of them: no "clunky", "hardest" or "certainly" alone', async () => {
    // In this design meeting "clunky" is said often, in one part: the overview named it as a subject.
    const { segments } = await parseTranscriptFile(path.join(QMSUM_DIR, 'ES2002b.json'));
    const { topics, executiveSummary } = summarizeLocally({ segments, participants: [], meetingDate: MEETING_DATE });
    const singleWords = topics.flatMap((topic) => topic.keywords).filter((keyword) => !keyword.includes(' '));
    for (const word of ['clunky', 'fancy', 'nice', 'hardest', 'easier', 'certainly']) expect(singleWords).not.toContain(word);
    expect(executiveSummary).toMatch(/^The discussion covered [a-z ,]*remote control[a-z ,]*\./);
    expect(executiveSummary).not.toMatch(/^The discussion covered [^.]*clunky/);
    expect([...'hardest nicer easiest bigger clunky better'.split(' ')].filter(namesNoSubject)).toHaveLength(6);
    // Words that only end like a comparative are subjects: a speaker, a user, a folder.
    expect(['speaker', 'user', 'folder', 'remote', 'battery'].filter(namesNoSubject)).toEqual([]);
  });

  it('introduces a committee speaker by name only, even when the label nests parentheses', () => {
    expect(shortSpeakerName('The Chair (Hon. Anthony Rota (NipissingTimiskaming, Lib.))')).toBe('The Chair');
    expect(shortSpeakerName('Hon. Ahmed Hussen (Minister of Families, Children and Social Development)')).toBe('Ahmed Hussen');
    expect(shortSpeakerName('Grad A')).toBe('Grad A');
  });

  it('is offered as the "local" Summarizer provider', async () => {
    const summarizer = new LocalSummarizer();
    expect(summarizer.name).toBe('local');
    await expect(summarizer.summarize(INPUT)).resolves.toEqual(summarizeLocally(INPUT));
  });

  it('summarizes a real one-hour QMSum meeting within the length bounds', async () => {
    const { segments } = await parseTranscriptFile(path.join(QMSUM_DIR, 'Bmr003.json'));
    const summary = summarizeLocally({ segments, participants: [], meetingDate: MEETING_DATE });
    const words = wordCount(summary.executiveSummary);
    expect(words).toBeGreaterThanOrEqual(60);
    expect(words).toBeLessThanOrEqual(250);
    expect(summary.keyPoints.length).toBeGreaterThanOrEqual(3);
    expect(summary.keyPoints.length).toBeLessThanOrEqual(8);
    expect(summary.topics.length).toBeGreaterThanOrEqual(3);
    expect(summary.topics.length).toBeLessThanOrEqual(7);
  });
});
