import { chunkSegments, estimateTokens, transcriptLine } from '../../integrations/summarizer/chunking';
import { ClaudeSummarizer, type ClaudeSummarizerOptions } from '../../integrations/summarizer/claude';
import { InvalidAnswerError, NonRetryableProviderError, RetryableProviderError } from '../../integrations/summarizer/errors';
import { summarizeWithFallback } from '../../integrations/summarizer/fallback';
import { priceFor } from '../../integrations/summarizer/pricing';
import { SUMMARY_TOOL_NAME } from '../../integrations/summarizer/summary-prompt';
import { LocalSummarizer, summarizeLocally } from '../../integrations/summarizer/local';
import type { SummaryInput } from '../../integrations/summarizer/types';
import type { Segment } from '../../integrations/transcripts/types';
import {
  creditBalanceTooLow,
  type FakeAnthropic,
  invalidRequest,
  overloaded,
  rateLimited,
  type RecordedRequest,
  spendLimitReached,
  startFakeAnthropic,
  textAnswer,
  toolUse,
  usageLimitInWordsOnly,
} from '../fakes/anthropic';
import { INPUT } from '../unit/meeting-sample';
import { abortedOnceStarted, rejection } from '../helpers/rejection';

// The real @anthropic-ai/sdk client talks HTTP to a local stand-in of the Messages API (test/fakes/anthropic.ts).

let fake: FakeAnthropic;

beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterEach(() => fake.reset());
afterAll(async () => {
  await fake.close();
});

function summarizer(options: Partial<ClaudeSummarizerOptions> = {}): ClaudeSummarizer {
  return new ClaudeSummarizer({ apiKey: 'sk-ant-test-key', model: 'claude-sonnet-4-6', baseURL: fake.url, ...options });
}

/** A valid tool input as the model writes it: owners as names, times as mm:ss. */
const ANSWER = {
  executiveSummary: 'The team planned the launch of the new mobile app. Launch is set for December 10 with a smaller ads budget.',
  keyPoints: [
    { text: 'Beta testing went well and the crash rate dropped.', speaker: 'Bob Brown', at: '00:18' },
    { text: 'The paid ads budget is about twenty thousand euros.', speaker: 'Carol', at: '01:02' },
  ],
  decisions: [{ text: 'Launch the mobile app on December 10.', speaker: 'Alice', at: '01:17' }],
  topics: [{ title: 'Launch plan', keywords: ['launch', 'mobile app', 'ads budget'], start: '00:00', end: '02:40' }],
  sentiment: 0.6,
  actionItems: [
    { title: 'Send the launch checklist', description: 'To the whole team.', owner: 'Alice Smith', dueDate: '2026-11-27', priority: 'medium', type: 'task', at: '01:46', source: { from: '01:46', to: '01:46' } },
    { title: 'Update the release notes', description: 'For the app store.', owner: 'Bob', dueDate: '2026-11-26', priority: 'high', type: 'task', source: { from: '01:57', to: '02:10' } },
    { title: 'Follow up with the design agency', description: 'In two weeks.', owner: 'Carol', dueDate: '2026-12-09', priority: 'low', type: 'follow_up', source: { from: '02:46', to: '02:58' } },
    { title: 'Write a guide for the new login flow', description: 'Needed by support.', owner: 'the support team', dueDate: null, priority: 'medium', type: 'task', source: { from: '02:59', to: '02:59' } },
  ],
};

function lastUserBlocks(request: RecordedRequest): any[] {
  const messages = request.body.messages;
  const content = messages[messages.length - 1].content;
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

function firstUserText(request: RecordedRequest): string {
  const content = request.body.messages[0].content;
  return typeof content === 'string' ? content : content.map((block: any) => block.text ?? '').join('\n');
}

describe('ClaudeSummarizer with a valid tool answer', () => {
  it('turns the tool input into the result: owners mapped to participant ids, mm:ss to seconds, generator claude, usage and cost', async () => {
    fake.script(toolUse(ANSWER, { usage: { input_tokens: 1200, output_tokens: 300, cache_creation_input_tokens: 2000, cache_read_input_tokens: 0 } }));

    const result = await summarizer().summarize(INPUT);

    expect(fake.requests).toHaveLength(1);
    expect(result.generator).toBe('claude');
    expect(result.model).toBe('claude-sonnet-4-6');
    expect(result.executiveSummary).toBe(ANSWER.executiveSummary);
    expect(result.keyPoints[0]).toEqual({ text: 'Beta testing went well and the crash rate dropped.', speaker: 'Bob Brown', at: 18, span: { firstSegment: 1, lastSegment: 1, start: 18, end: 36 } });
    expect(result.decisions).toEqual([{ text: 'Launch the mobile app on December 10.', speaker: 'Alice', at: 77, span: { firstSegment: 5, lastSegment: 5, start: 77, end: 91 } }]);
    expect(result.topics).toEqual([{ title: 'Launch plan', keywords: ['launch', 'mobile app', 'ads budget'], start: 0, end: 160 }]);
    expect(result.sentiment).toBe(0.6);
    expect(result.actionItems).toEqual([
      // Each with the transcript lines it cites (segment indexes and seconds).
      { title: 'Send the launch checklist', description: 'To the whole team.', ownerId: 'u-alice', ownerName: 'Alice Smith', dueDate: '2026-11-27', priority: 'medium', type: 'task', at: 106, span: { firstSegment: 8, lastSegment: 8, start: 106, end: 117 } },
      { title: 'Update the release notes', description: 'For the app store.', ownerId: 'u-bob', ownerName: 'Bob', dueDate: '2026-11-26', priority: 'high', type: 'task', span: { firstSegment: 9, lastSegment: 10, start: 117, end: 133 } },
      { title: 'Follow up with the design agency', description: 'In two weeks.', ownerId: 'u-carol', ownerName: 'Carol', dueDate: '2026-12-09', priority: 'low', type: 'follow_up', span: { firstSegment: 14, lastSegment: 15, start: 166, end: 179 } },
      // Not a participant: the name stays, no id is invented.
      { title: 'Write a guide for the new login flow', description: 'Needed by support.', ownerName: 'the support team', priority: 'medium', type: 'task', span: { firstSegment: 16, lastSegment: 16, start: 179, end: 196 } },
    ]);
    // Sonnet 4.5 at $3 input, $15 output, $3.75 cache write per million tokens.
    expect(result.usage).toEqual({
      inputTokens: 1200,
      outputTokens: 300,
      cacheReadTokens: 0,
      cacheCreationTokens: 2000,
      requests: 1,
      costUsd: expect.closeTo((1200 * 3 + 300 * 15 + 2000 * 3.75) / 1e6, 9),
    });
  });

  it('keeps only what the cited transcript lines say: unsupported items go, unstated owners and due dates are removed', async () => {
    const [checklist, releaseNotes] = ANSWER.actionItems;
    fake.script(
      toolUse({
        ...ANSWER,
        decisions: [{ text: 'Hire two more engineers.', speaker: 'Alice', at: '01:17', source: { from: '01:17', to: '01:17' } }],
        actionItems: [
          // Cites the ads-budget line: nothing there about a checklist.
          { ...checklist, source: { from: '01:32', to: '01:32' } },
          // Cites Alice's request, which names Bob, not Carol: the owner goes, "by tomorrow" stays.
          { ...releaseNotes, owner: 'Carol', source: { from: '01:57', to: '01:57' } },
          // Cites Carol's press-release promise: Dave is not in it, and "next week" is not December 31 (the line's date wins).
          { title: 'Prepare the press release', description: 'For the launch.', owner: 'Dave Lee', dueDate: '2026-12-31', priority: 'medium', type: 'task', source: { from: '02:13', to: '02:13' } },
          { title: 'Add it later', description: '', owner: null, dueDate: null, priority: 'low', type: 'task', source: { from: '02:13', to: '02:13' } },
        ],
      }),
    );

    const result = await summarizer().summarize(INPUT);

    expect(result.decisions).toEqual([]);
    expect(result.actionItems).toEqual([
      { title: 'Update the release notes', description: 'For the app store.', dueDate: '2026-11-26', priority: 'high', type: 'task', span: { firstSegment: 9, lastSegment: 9, start: 117, end: 130 } },
      { title: 'Prepare the press release', description: 'For the launch.', dueDate: '2026-12-04', priority: 'medium', type: 'task', span: { firstSegment: 11, lastSegment: 11, start: 133, end: 144 } },
    ]);
  });

  it('forces the tool, marks the system prompt for caching, uses the configured model and sends the transcript with context', async () => {
    fake.script(toolUse(ANSWER));

    await summarizer({ model: 'claude-opus-4-8', maxOutputTokens: 4000 }).summarize(INPUT);

    const [request] = fake.requests;
    expect(request.path).toBe('/v1/messages');
    // SDK 1.x sends the key as a bearer token; older versions used x-api-key.
    expect(request.headers['x-api-key'] ?? request.headers.authorization?.replace(/^Bearer /, '')).toBe('sk-ant-test-key');
    expect(request.body.model).toBe('claude-opus-4-8');
    expect(request.body.max_tokens).toBe(4000);
    expect(request.body.tool_choice).toMatchObject({ type: 'tool', name: SUMMARY_TOOL_NAME });
    expect(request.body.tools).toHaveLength(1);
    expect(request.body.tools[0].name).toBe(SUMMARY_TOOL_NAME);
    expect(request.body.tools[0].input_schema).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['executiveSummary', 'keyPoints', 'decisions', 'topics', 'sentiment', 'actionItems']),
      properties: { sentiment: { type: 'number', minimum: -1, maximum: 1 } },
    });
    expect(request.body.system).toEqual([expect.objectContaining({ type: 'text', cache_control: { type: 'ephemeral' } })]);
    expect(request.body.system[0].text).toContain(SUMMARY_TOOL_NAME);

    const text = firstUserText(request);
    expect(text).toContain('[00:00] Alice: Good morning everyone.');
    expect(text).toContain('Bob Brown: Thanks Alice.');
    expect(text).toMatch(/Participants:\n- Alice Smith\n- Bob Brown\n- Carol Jones\n- Dave Lee/);
    // 09:00Z is 10:00 in Berlin, on Wednesday 25 November 2026.
    expect(text).toContain('Wednesday 2026-11-25, started at 10:00 (time zone Europe/Berlin)');
    expect(text).toContain('Meeting title: Mobile app launch');
    // E-mail addresses are not sent to the provider.
    expect(text).not.toContain('alice@example.com');
  });

  it('records cache reads when the same prompt prefix is sent again, and leaves costUsd out for a model without a price', async () => {
    fake.otherwise(toolUse(ANSWER));
    const claude = summarizer({ model: 'claude-unpriced-9' });

    const first = await claude.summarize(INPUT);
    const second = await claude.summarize(INPUT);

    expect(first.usage?.cacheCreationTokens).toBeGreaterThan(0);
    expect(first.usage?.cacheReadTokens).toBe(0);
    expect(second.usage?.cacheReadTokens).toBe(first.usage?.cacheCreationTokens);
    expect(second.usage?.cacheCreationTokens).toBe(0);
    expect(second.usage).not.toHaveProperty('costUsd');
    expect(second.model).toBe('claude-unpriced-9');
  });
});

describe('ClaudeSummarizer errors (the SDK never retries: Temporal does)', () => {
  it('529 overloaded → RetryableProviderError after a single request', async () => {
    fake.script(overloaded(), toolUse(ANSWER));

    const error = await rejection(summarizer().summarize(INPUT));

    expect(error).toBeInstanceOf(RetryableProviderError);
    expect(error.status).toBe(529);
    expect(error.message).toMatch(/overloaded/i);
    expect(fake.requests).toHaveLength(1);
  });

  it('429 with retry-after: 7 → RetryableProviderError carrying retryAfterSeconds 7', async () => {
    fake.script(rateLimited(7));

    const error = await rejection(summarizer().summarize(INPUT));

    expect(error).toBeInstanceOf(RetryableProviderError);
    expect(error.retryAfterSeconds).toBe(7);
    expect(error.status).toBe(429);
    expect(fake.requests).toHaveLength(1);
  });

  it('429 without retry-after, a 500 and a dropped connection are retryable too', async () => {
    fake.script(rateLimited(), { kind: 'error', status: 500, type: 'api_error', message: 'Internal server error' }, { kind: 'drop' });
    const claude = summarizer();

    const limited = await rejection(claude.summarize(INPUT));
    const failed = await rejection(claude.summarize(INPUT));
    const dropped = await rejection(claude.summarize(INPUT));

    expect(limited).toBeInstanceOf(RetryableProviderError);
    expect(limited.retryAfterSeconds).toBeUndefined();
    expect(failed).toBeInstanceOf(RetryableProviderError);
    expect(failed.status).toBe(500);
    expect(dropped).toBeInstanceOf(RetryableProviderError);
    expect(fake.requests).toHaveLength(3);
  });

  it('400 invalid request → NonRetryableProviderError', async () => {
    fake.script(invalidRequest('max_tokens: 999999 > 128000, which is the maximum allowed number of output tokens for claude-sonnet-4-6'));

    const error = await rejection(summarizer().summarize(INPUT));

    expect(error).toBeInstanceOf(NonRetryableProviderError);
    expect(error).not.toBeInstanceOf(RetryableProviderError);
    expect(error.status).toBe(400);
    expect(error.message).toContain('maximum allowed number of output tokens');
  });

  it('a 429 that is a spending limit (error code enforced_spend_limit_reached) → NonRetryableProviderError', async () => {
    fake.script(spendLimitReached());

    const error = await rejection(summarizer().summarize(INPUT));

    expect(error).toBeInstanceOf(NonRetryableProviderError);
    expect(error.status).toBe(429);
    expect(error.message).toMatch(/spending or usage limit reached/);
  });

  it('a 429 that says "usage limits" without an error code, and a 400 "credit balance is too low" → NonRetryableProviderError', async () => {
    fake.script(usageLimitInWordsOnly(), creditBalanceTooLow());
    const claude = summarizer();

    const usage = await rejection(claude.summarize(INPUT));
    const credit = await rejection(claude.summarize(INPUT));

    expect(usage).toBeInstanceOf(NonRetryableProviderError);
    expect(usage.message).toMatch(/regain access/);
    expect(credit).toBeInstanceOf(NonRetryableProviderError);
    expect(credit.message).toMatch(/credit balance is too low/);
    expect(credit.message).toMatch(/spending or usage limit reached/);
  });
});

describe('ClaudeSummarizer with invalid answers', () => {
  it('asks again once, saying what was invalid, and uses the second (valid) answer', async () => {
    const invalid = { ...ANSWER, sentiment: 3, actionItems: [{ ...ANSWER.actionItems[0], dueDate: 'next Friday' }] };
    fake.script(toolUse(invalid), toolUse(ANSWER));

    const result = await summarizer().summarize(INPUT);

    expect(fake.requests).toHaveLength(2);
    expect(result.generator).toBe('claude');
    expect(result.sentiment).toBe(0.6);
    const retry = fake.requests[1].body;
    expect(retry.tool_choice).toMatchObject({ type: 'tool', name: SUMMARY_TOOL_NAME });
    expect(retry.messages).toHaveLength(3);
    const [toolCall] = retry.messages[1].content;
    expect(toolCall).toMatchObject({ type: 'tool_use', name: SUMMARY_TOOL_NAME, input: invalid });
    const [toolResult] = lastUserBlocks(fake.requests[1]);
    expect(toolResult).toMatchObject({ type: 'tool_result', tool_use_id: toolCall.id, is_error: true });
    expect(toolResult.content).toMatch(/sentiment/);
    expect(toolResult.content).toMatch(/actionItems\[0\]\.dueDate/);
    expect(result.usage?.requests).toBe(2);
  });

  it('after a second invalid answer returns the fallback summary, labelled as such', async () => {
    fake.script(toolUse({ executiveSummary: '' }), toolUse({ ...ANSWER, keyPoints: 'none' }), toolUse(ANSWER));

    const result = await summarizeWithFallback(summarizer(), new LocalSummarizer(), INPUT, { attempt: 1, maxAttempts: 5 });

    expect(fake.requests).toHaveLength(2);
    expect(result.generator).toBe('local (claude answer invalid)');
    expect(result.model).toBe('claude-sonnet-4-6');
    expect(result.executiveSummary).toBe(summarizeLocally(INPUT).executiveSummary);
    expect(result.actionItems).toEqual(summarizeLocally(INPUT).actionItems);
    // What the failed calls cost is still reported.
    expect(result.usage?.requests).toBe(2);
  });

  it('on a model that rejects forced tool use it lets the model choose, and asks again after a prose answer (echoing thinking blocks)', async () => {
    fake.script(textAnswer('Here is the summary: the team planned the launch.'), toolUse({ ...ANSWER, sentiment: 'positive' }, { thinking: 'Summarizing.' }));
    const claude = summarizer({ model: 'claude-sonnet-5-5' });

    const error = await rejection(claude.summarize(INPUT));

    // Two invalid answers in a row (prose, then a bad sentiment): the fake would have rejected a forced tool_choice with a 400.
    expect(error).toBeInstanceOf(InvalidAnswerError);
    expect(error.message).toMatch(/^claude answer invalid: The record_meeting_summary input is invalid/);
    expect(fake.requests.map((request) => request.body.tool_choice.type)).toEqual(['auto', 'auto']);
    const [note] = lastUserBlocks(fake.requests[1]);
    expect(note.type).toBe('text');
    expect(note.text).toMatch(new RegExp(`did not call the ${SUMMARY_TOOL_NAME} tool`));

    fake.reset();
    fake.script(toolUse({ ...ANSWER, sentiment: 'positive' }, { thinking: 'Summarizing.' }), toolUse(ANSWER));
    const valid = await claude.summarize(INPUT);
    expect(valid.generator).toBe('claude');
    const echoed = fake.requests[1].body.messages[1].content;
    expect(echoed.map((block: any) => block.type)).toEqual(['thinking', 'tool_use']);
    expect(echoed[0].signature).toEqual(expect.any(String));
  });
});

describe('ClaudeSummarizer on a long meeting', () => {
  const SPEAKERS = ['Alice', 'Bob Brown', 'Carol'];
  const LONG_SEGMENTS: Segment[] = Array.from({ length: 36 }, (_, index) => ({
    speaker: SPEAKERS[index % 3],
    start: index * 20,
    end: index * 20 + 18,
    text: `Item ${index + 1}: we reviewed the status of workstream ${index + 1} in detail, including its risks, its budget and the next milestones for the team.`,
  }));
  const LONG: SummaryInput = { ...INPUT, segments: LONG_SEGMENTS };

  const REVIEW_RISKS = { title: 'Review the risks of workstream 2', description: 'Workstreams.', owner: 'Bob', dueDate: null, priority: 'low', type: 'task', source: { from: '00:20', to: '00:20' } };
  const isReduce = (request: RecordedRequest): boolean => /Merge them into one summary/.test(firstUserText(request));
  const transcriptOf = (request: RecordedRequest): string[] => firstUserText(request).split('Transcript:\n')[1].split('\n');

  /** Map answers (short, so that a few fit one reduce request) name their part; reduce answers say how many parts they merged. */
  function answerByRequest(request: RecordedRequest) {
    const text = firstUserText(request);
    if (isReduce(request)) {
      const merged = (text.match(/<part index=/g) ?? []).length;
      return toolUse({ ...ANSWER, executiveSummary: `Merged ${merged} parts.`, keyPoints: [], decisions: [], actionItems: [REVIEW_RISKS, { ...REVIEW_RISKS, title: 'Review the budget of workstream 2' }] });
    }
    const part = /This is part (\d+) of (\d+)/.exec(text);
    return toolUse({
      executiveSummary: `Summary of part ${part?.[1]} of ${part?.[2]}.`,
      keyPoints: [],
      decisions: [],
      topics: [],
      sentiment: 0,
      actionItems: [REVIEW_RISKS],
    });
  }

  it('summarizes chunks cut on segment boundaries (map), then merges them with one more call (reduce)', async () => {
    fake.otherwise(answerByRequest);
    const maxInputTokens = 400;

    const result = await summarizer({ maxInputTokens }).summarize(LONG);

    const maps = fake.requests.filter((request) => !isReduce(request));
    const reduces = fake.requests.filter(isReduce);
    expect(maps.length).toBeGreaterThanOrEqual(3);
    expect(reduces).toHaveLength(1);
    expect(fake.requests[fake.requests.length - 1]).toBe(reduces[0]);

    // Every chunk fits the budget and together they are the whole transcript, in order, line for line.
    const chunkLines = maps.map(transcriptOf);
    for (const lines of chunkLines) expect(estimateTokens(lines.join('\n'))).toBeLessThanOrEqual(maxInputTokens);
    expect(chunkLines.flat()).toEqual(LONG_SEGMENTS.map(transcriptLine));
    expect(chunkLines.flat()[1]).toBe('[00:20] Bob Brown: Item 2: we reviewed the status of workstream 2 in detail, including its risks, its budget and the next milestones for the team.');
    maps.forEach((request, index) => expect(firstUserText(request)).toContain(`This is part ${index + 1} of ${maps.length}`));

    // The reduce call gets every part summary, and its answer is the result.
    const reduceText = firstUserText(reduces[0]);
    for (let part = 1; part <= maps.length; part++) expect(reduceText).toContain(`Summary of part ${part} of ${maps.length}.`);
    expect(result.executiveSummary).toBe(`Merged ${maps.length} parts.`);
    expect(result.generator).toBe('claude');
    expect(result.actionItems[1]).toMatchObject({ ownerId: 'u-bob' });

    // Same tools and system prompt on every call, so the cached prefix is read after the first one.
    expect(new Set(fake.requests.map((request) => JSON.stringify([request.body.tools, request.body.system]))).size).toBe(1);
    expect(result.usage?.requests).toBe(maps.length + 1);
    expect(result.usage?.cacheReadTokens).toBe(maps.length * (result.usage?.cacheCreationTokens ?? 0));
  });

  it('merges in several rounds when the part summaries do not fit one request', async () => {
    fake.otherwise(answerByRequest);

    const result = await summarizer({ maxInputTokens: 200 }).summarize(LONG);

    const maps = fake.requests.filter((request) => !isReduce(request));
    const reduces = fake.requests.filter(isReduce);
    expect(maps.length).toBeGreaterThan(4);
    expect(reduces.length).toBeGreaterThan(1);
    expect(result.executiveSummary).toMatch(/^Merged \d+ parts\.$/);
  });

  it('cuts a monologue longer than the budget between words, keeping the speaker and moving the times', () => {
    const words = Array.from({ length: 400 }, (_, index) => `word${index}`);
    const monologue: Segment = { speaker: 'Dana', start: 60, end: 460, text: words.join(' ') };

    const chunks = chunkSegments([monologue], 100);

    expect(chunks.length).toBeGreaterThan(3);
    const pieces = chunks.flat();
    expect(pieces.every((piece) => piece.speaker === 'Dana')).toBe(true);
    expect(pieces.map((piece) => piece.text).join(' ')).toBe(monologue.text);
    expect(pieces[0].start).toBe(60);
    for (let index = 1; index < pieces.length; index++) expect(pieces[index].start).toBeGreaterThan(pieces[index - 1].start);
    for (const chunk of chunks) expect(estimateTokens(chunk.map(transcriptLine).join('\n'))).toBeLessThanOrEqual(100);
  });
});

describe('summarizeWithFallback', () => {
  it('on the last attempt uses the fallback without calling the API, and says why', async () => {
    fake.otherwise(toolUse(ANSWER));

    const result = await summarizeWithFallback(summarizer(), new LocalSummarizer(), INPUT, { attempt: 5, maxAttempts: 5 });

    expect(fake.requests).toHaveLength(0);
    expect(result.generator).toBe('local (fallback: claude failed 4 attempts)');
    expect(result.executiveSummary).toBe(summarizeLocally(INPUT).executiveSummary);
  });

  it('when the provider refuses for good (a 400) falls back at once, saying why', async () => {
    fake.script(invalidRequest('messages: text content blocks must be non-empty'));

    const result = await summarizeWithFallback(summarizer(), new LocalSummarizer(), INPUT, { attempt: 1, maxAttempts: 5 });

    expect(fake.requests).toHaveLength(1);
    expect(result.generator).toBe('local (fallback: Anthropic API refused the request (HTTP 400): messages: text content blocks must be non-empty The request was rejected as invalid.)');
    expect(result.actionItems).toEqual(summarizeLocally(INPUT).actionItems);
  });

  it('before the last attempt calls the summarizer and lets its retryable errors through', async () => {
    fake.script(toolUse(ANSWER), overloaded());
    const claude = summarizer();

    const result = await summarizeWithFallback(claude, new LocalSummarizer(), INPUT, { attempt: 1, maxAttempts: 5 });
    const error = await rejection(summarizeWithFallback(claude, new LocalSummarizer(), INPUT, { attempt: 4, maxAttempts: 5 }));

    expect(result.generator).toBe('claude');
    expect(error).toBeInstanceOf(RetryableProviderError);
    expect(fake.requests).toHaveLength(2);
  });

  it('a cancelled summary aborts the request in flight and rejects with the canceller\'s reason: no fallback, no retryable error', async () => {
    fake.script({ kind: 'delay', ms: 60_000, then: toolUse(ANSWER) });

    const { rejected, reason } = await abortedOnceStarted((signal) => summarizeWithFallback(summarizer(), new LocalSummarizer(), INPUT, { attempt: 1, maxAttempts: 4, signal }), () => fake.requests.length === 1);

    expect(rejected).toBe(reason);
  });
});

describe('the price table', () => {
  it('finds dated and aliased model ids and knows no price for unknown ones', () => {
    expect(priceFor('claude-haiku-4-5-20251001')).toMatchObject({ input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 });
    expect(priceFor('claude-opus-4-1')).toMatchObject({ input: 15, output: 75 });
    expect(priceFor('claude-opus-4-5')).toMatchObject({ input: 5, output: 25 });
    expect(priceFor('claude-unpriced-9')).toBeUndefined();
  });
});
