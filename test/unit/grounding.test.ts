import { summarizeLocally } from '../../integrations/summarizer/local';
import type { SummaryInput } from '../../integrations/summarizer/types';
import type { Segment } from '../../integrations/transcripts/types';

// Small transcripts of our own: the grounding rules hold on any meeting, not only the fixtures.

/** Wednesday 25 November 2026, 10:00 UTC. */
const MEETING_DATE = new Date('2026-11-25T10:00:00Z');

function meeting(lines: Array<[string, string]>): SummaryInput {
  const segments = lines.reduce<Segment[]>((all, [speaker, text]) => {
    const start = all.length ? all[all.length - 1].end : 0;
    return [...all, { speaker, text, start, end: start + 5 }];
  }, []);
  const names = [...new Set(lines.map(([speaker]) => speaker))];
  return { segments, participants: names.map((name) => ({ id: `u-${name.toLowerCase()}`, name })), meetingDate: MEETING_DATE, timeZone: 'UTC' };
}

const itemsOf = (lines: Array<[string, string]>) => summarizeLocally(meeting(lines)).actionItems;

describe('grounded action items', () => {
  it('"I\'ll send the deck by Friday": the speaker owns it, Friday is resolved, the span is that line', () => {
    const items = itemsOf([
      ['Alice', 'The pricing review went fine overall.'],
      ['Alice', "I'll send the deck by Friday."],
    ]);

    expect(items).toEqual([
      expect.objectContaining({ title: 'Send the deck', ownerName: 'Alice', ownerId: 'u-alice', dueDate: '2026-11-27', span: { firstSegment: 1, lastSegment: 1, start: 5, end: 10 } }),
    ]);
  });

  it('"Can you, Bob, review it?": Bob is addressed, so Bob owns it; no date was said, so none is given', () => {
    const items = itemsOf([
      ['Alice', 'I finished the draft of the pricing page.'],
      ['Alice', 'Can you, Bob, review it?'],
      ['Bob', 'Sure.'],
    ]);

    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ title: 'Review it', ownerName: 'Bob', ownerId: 'u-bob', span: { firstSegment: 1 } });
    expect(items[0].dueDate).toBeUndefined();
  });

  it('an open request belongs to whoever accepts it, and the span takes in the acceptance; unanswered, it has no owner', () => {
    const accepted = itemsOf([
      ['Alice', 'Could you update the onboarding wiki?'],
      ['Carol', 'Will do.'],
    ]);
    const unanswered = itemsOf([
      ['Alice', 'Could you update the onboarding wiki?'],
      ['Carol', 'Which wiki do you mean?'],
    ]);

    expect(accepted).toEqual([expect.objectContaining({ title: 'Update the onboarding wiki', ownerName: 'Carol', span: { firstSegment: 0, lastSegment: 1, start: 0, end: 10 } })]);
    expect(unanswered).toHaveLength(1);
    expect(unanswered[0].ownerName).toBeUndefined();
    expect(unanswered[0].ownerId).toBeUndefined();
  });

  it('"we should maybe look at it someday" is no task', () => {
    expect(itemsOf([['Bob', 'We should maybe look at it someday.']])).toEqual([]);
  });

  it('fragments without a task are dropped: "I\'ll add it later", "I\'ll do something with button A", "I\'ll let you know"', () => {
    expect(
      itemsOf([
        ['Dana', "I'll add it later, I guess."],
        ['Dana', "I'll do something with button A."],
        ['Dana', "OK, I'll let you know."],
      ]),
    ).toEqual([]);
  });

  it('a task reads as written: no hedges or "you know", no abandoned start, no spaces inside quotes', () => {
    const items = itemsOf([
      ['Gina', "I'll work on you know the actual wiring of the prototype."],
      ['Gina', "I'll think about what it what budget the launch needs."],
      ['Gina', 'I\'ll write a note on what we call the " quiet hours " rule.'],
      ['Gina', 'Do you know the answer? I\'ll ask Henk if you know nothing.'],
    ]);

    expect(items.map((item) => item.title)).toEqual([
      'Work on the actual wiring of the prototype',
      'Think about what budget the launch needs',
      'Write a note on what we call the "quiet hours" rule',
      'Ask Henk if you know nothing',
    ]);
  });

  it('a due date comes only from the lines of the task, not from a date said elsewhere', () => {
    const items = itemsOf([
      ['Erin', 'The office is closed on Friday.'],
      ['Erin', "I'll write the release notes."],
    ]);

    expect(items).toEqual([expect.objectContaining({ title: 'Write the release notes', ownerName: 'Erin' })]);
    expect(items[0].dueDate).toBeUndefined();
  });

  it('tasks handed out in one breath each get the person addressed, by name or role', () => {
    const input = meeting([['Project Lead', 'So for our Designer, you are going to be working on the prototype sketches, and Marketing, you will be thinking about the launch survey.']]);
    input.participants.push({ id: 'u-designer', name: 'Designer' }, { id: 'u-marketing', name: 'Marketing' });

    const items = summarizeLocally(input).actionItems;

    expect(items.map(({ title, ownerName }) => ({ title, ownerName }))).toEqual([
      { title: 'Work on the prototype sketches', ownerName: 'Designer' },
      { title: 'Think about the launch survey', ownerName: 'Marketing' },
    ]);
  });

  it('"how are you going to get this done?" is a question, not an assignment', () => {
    expect(itemsOf([['Frank', 'The hard part is how are you going to get the data from the sensors.']])).toEqual([]);
  });

  it('key points and decisions carry the line they come from', () => {
    const summary = summarizeLocally(
      meeting([
        ['Alice', 'The purpose of this meeting is to choose the database for the new billing service.'],
        ['Bob', 'Postgres handles our load and the team knows it well.'],
        ['Carol', 'After comparing the options we agreed to use Postgres for billing.'],
      ]),
    );

    expect(summary.decisions).toEqual([expect.objectContaining({ speaker: 'Carol', span: { firstSegment: 2, lastSegment: 2, start: 10, end: 15 } })]);
    for (const point of summary.keyPoints) {
      expect(point.span).toBeDefined();
      expect(summary.keyPoints.length).toBeGreaterThan(0);
    }
  });
});
