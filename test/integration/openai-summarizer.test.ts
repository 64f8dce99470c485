import { ConfigError, loadConfig, summarizerChoice } from '../../config';
import { estimateTokens, transcriptLine } from '../../integrations/summarizer/chunking';
import { InvalidAnswerError, NonRetryableProviderError, RetryableProviderError } from '../../integrations/summarizer/errors';
import { summarizeWithFallback } from '../../integrations/summarizer/fallback';
import { LocalSummarizer, summarizeLocally } from '../../integrations/summarizer/local';
import { OpenAiCompatibleSummarizer, type OpenAiCompatibleSummarizerOptions } from '../../integrations/summarizer/openai-compatible';
import type { SummaryInput } from '../../integrations/summarizer/types';
import type { Segment } from '../../integrations/transcripts/types';
import {
  badRequest,
  type FakeOpenAi,
  jsonAnswer,
  quotaExceeded,
  rateLimited,
  type RecordedRequest,
  serverError,
  startFakeOpenAi,
  textAnswer,
  toolCallAnswer,
} from '../fakes/openai';
import { INPUT } from '../unit/meeting-sample';
import { freePort } from '../helpers/processes';
import { abortedOnceStarted, rejection } from '../helpers/rejection';

// The real openai client talks HTTP to a local stand-in of an OpenAI-compatible server (test/fakes/openai.ts):
// what vLLM, llama.cpp, LM Studio and Ollama's /v1 endpoint speak.

const MODEL = 'llama3.1:8b';
let fake: FakeOpenAi;

beforeAll(async () => {
  fake = await startFakeOpenAi({ models: [MODEL, 'qwen3:8b'] });
});
afterEach(() => fake.reset());
afterAll(async () => {
  await fake.close();
});

function summarizer(options: Partial<OpenAiCompatibleSummarizerOptions> = {}, server: FakeOpenAi = fake): OpenAiCompatibleSummarizer {
  return new OpenAiCompatibleSummarizer({ baseURL: server.url, model: MODEL, ...options });
}

/** A valid answer as the model writes it: owners as names, times as mm:ss. */
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
    // Cites the press-release line but names someone who is not in it: the owner goes.
    { title: 'Prepare the press release', description: 'For the launch.', owner: 'Dave Lee', dueDate: '2026-12-04', priority: 'medium', type: 'task', source: { from: '02:13', to: '02:13' } },
  ],
};

const userText = (request: RecordedRequest): string => request.body.messages.find((message: any) => message.role === 'user').content;

describe('OpenAiCompatibleSummarizer with a valid answer', () => {
  it('turns the JSON answer into the grounded result: owners mapped to participant ids, mm:ss to seconds, generator openai, token usage', async () => {
    fake.script(jsonAnswer(ANSWER));

    const result = await summarizer().summarize(INPUT);

    expect(fake.requests).toHaveLength(1);
    expect(result.generator).toBe('openai');
    expect(result.model).toBe(MODEL);
    expect(result.executiveSummary).toBe(ANSWER.executiveSummary);
    expect(result.keyPoints[0]).toEqual({ text: 'Beta testing went well and the crash rate dropped.', speaker: 'Bob Brown', at: 18, span: { firstSegment: 1, lastSegment: 1, start: 18, end: 36 } });
    expect(result.decisions).toEqual([{ text: 'Launch the mobile app on December 10.', speaker: 'Alice', at: 77, span: { firstSegment: 5, lastSegment: 5, start: 77, end: 91 } }]);
    expect(result.topics).toEqual([{ title: 'Launch plan', keywords: ['launch', 'mobile app', 'ads budget'], start: 0, end: 160 }]);
    expect(result.actionItems).toEqual([
      { title: 'Send the launch checklist', description: 'To the whole team.', ownerId: 'u-alice', ownerName: 'Alice Smith', dueDate: '2026-11-27', priority: 'medium', type: 'task', at: 106, span: { firstSegment: 8, lastSegment: 8, start: 106, end: 117 } },
      { title: 'Update the release notes', description: 'For the app store.', ownerId: 'u-bob', ownerName: 'Bob', dueDate: '2026-11-26', priority: 'high', type: 'task', span: { firstSegment: 9, lastSegment: 10, start: 117, end: 133 } },
      { title: 'Prepare the press release', description: 'For the launch.', dueDate: '2026-12-04', priority: 'medium', type: 'task', span: { firstSegment: 11, lastSegment: 11, start: 133, end: 144 } },
    ]);
    // A local model has no price: tokens are reported, a cost is not.
    expect(result.usage).toEqual({ inputTokens: expect.any(Number), outputTokens: expect.any(Number), cacheReadTokens: 0, cacheCreationTokens: 0, requests: 1 });
    expect(result.usage?.inputTokens).toBeGreaterThan(500);
  });

  it('asks for the answer schema as a JSON Schema response_format, at temperature 0, with the schema and the transcript in the prompt, and no key', async () => {
    fake.script(jsonAnswer(ANSWER));

    await summarizer({ maxOutputTokens: 4000 }).summarize(INPUT);

    const [request] = fake.requests;
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body.model).toBe(MODEL);
    expect(request.body.temperature).toBe(0);
    expect(request.body.max_tokens).toBe(4000);
    expect(request.body.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'record_meeting_summary', schema: { type: 'object', required: expect.arrayContaining(['executiveSummary', 'actionItems']) } } });
    const [system, user] = request.body.messages;
    expect(system.role).toBe('system');
    expect(system.content).toMatch(/Answer with exactly one JSON object/);
    expect(system.content).toContain('"executiveSummary"');
    expect(user.content).toContain('Participants:\n- Alice Smith');
    expect(user.content).toContain(transcriptLine(INPUT.segments[0]));
  });

  it('sends the configured key as a bearer token, and a wrong one is refused for good with a hint', async () => {
    const guarded = await startFakeOpenAi({ apiKey: 'sk-local-123', models: [MODEL] });
    try {
      guarded.script(jsonAnswer(ANSWER));
      await expect(summarizer({ apiKey: 'sk-local-123' }, guarded).summarize(INPUT)).resolves.toMatchObject({ generator: 'openai' });
      expect(guarded.requests[0].headers.authorization).toBe('Bearer sk-local-123');

      const error = await rejection(summarizer({ apiKey: 'sk-wrong' }, guarded).summarize(INPUT));
      expect(error).toBeInstanceOf(NonRetryableProviderError);
      expect(error).not.toBeInstanceOf(RetryableProviderError);
      expect(error.status).toBe(401);
      expect(error.message).toMatch(/HTTP 401.*Incorrect API key provided.*Check OPENAI_API_KEY/);
    } finally {
      await guarded.close();
    }
  });

  it('reads the JSON from a code fence, from after a <think> block and from a tool call, and reports the model that answered', async () => {
    fake.script(jsonAnswer(ANSWER, { wrap: 'fence' }), jsonAnswer(ANSWER, { wrap: 'think', model: 'qwen3:8b' }), toolCallAnswer(ANSWER));

    const fenced = await summarizer().summarize(INPUT);
    const thought = await summarizer({ model: 'qwen3:8b' }).summarize(INPUT);
    const called = await summarizer().summarize(INPUT);

    for (const result of [fenced, thought, called]) {
      expect(result.generator).toBe('openai');
      expect(result.executiveSummary).toBe(ANSWER.executiveSummary);
      expect(result.actionItems.map((item) => item.title)).toEqual(['Send the launch checklist', 'Update the release notes', 'Prepare the press release']);
    }
    expect(thought.model).toBe('qwen3:8b');
    expect(fake.requests).toHaveLength(3);
  });

  it('on a server that refuses response_format, asks again without it and no longer sends it', async () => {
    const plain = await startFakeOpenAi({ models: [MODEL], rejectResponseFormat: true });
    try {
      plain.script(jsonAnswer(ANSWER), jsonAnswer(ANSWER));
      const model = summarizer({}, plain);

      const first = await model.summarize(INPUT);
      const second = await model.summarize(INPUT);

      expect(first.executiveSummary).toBe(ANSWER.executiveSummary);
      expect(second.generator).toBe('openai');
      expect(plain.requests.map((request) => request.body.response_format?.type ?? 'none')).toEqual(['json_schema', 'none', 'none']);
      // The schema is still in the system prompt, so the model knows the shape without response_format.
      expect(plain.requests[1].body.messages[0].content).toContain('"actionItems"');
    } finally {
      await plain.close();
    }
  });
});

describe('OpenAiCompatibleSummarizer errors (the client never retries: Temporal does)', () => {
  it('429 with retry-after: 7 → RetryableProviderError carrying retryAfterSeconds 7 after a single request', async () => {
    fake.script(rateLimited(7));

    const error = await rejection(summarizer().summarize(INPUT));

    expect(error).toBeInstanceOf(RetryableProviderError);
    expect(error.retryAfterSeconds).toBe(7);
    expect(error.status).toBe(429);
    expect(error.message).toMatch(/rate limited/);
    expect(fake.requests).toHaveLength(1);
  });

  it('a 500, a dropped connection and a server that is not there are retryable', async () => {
    fake.script(serverError(), { kind: 'drop' });
    const port = await freePort();

    const errors = [
      await rejection(summarizer().summarize(INPUT)),
      await rejection(summarizer().summarize(INPUT)),
      await rejection(new OpenAiCompatibleSummarizer({ baseURL: `http://127.0.0.1:${port}/v1`, model: MODEL }).summarize(INPUT)),
    ];

    for (const error of errors) expect(error).toBeInstanceOf(RetryableProviderError);
    expect(errors[0].status).toBe(500);
    expect(errors[2].message).toMatch(/unreachable/);
    expect(fake.requests).toHaveLength(2);
  });

  it('400, an unknown model (404) and an exhausted quota (429 insufficient_quota) are not retryable', async () => {
    fake.script(badRequest(), quotaExceeded());

    const tooLong = await rejection(summarizer().summarize(INPUT));
    const quota = await rejection(summarizer().summarize(INPUT));
    const unknownModel = await rejection(summarizer({ model: 'llama9:70b' }).summarize(INPUT));

    for (const error of [tooLong, quota, unknownModel]) {
      expect(error).toBeInstanceOf(NonRetryableProviderError);
      expect(error).not.toBeInstanceOf(RetryableProviderError);
    }
    expect(tooLong.message).toMatch(/HTTP 400.*maximum context length.*SUMMARY_MAX_INPUT_TOKENS/);
    expect(quota.message).toMatch(/quota exhausted/);
    expect(unknownModel.status).toBe(404);
    expect(unknownModel.message).toMatch(/model "llama9:70b" not found.*Check OPENAI_MODEL/);
  });

  it('check() lists the models (no tokens spent) and fails with the classified error when the server cannot be used', async () => {
    await expect(summarizer().check()).resolves.toBeUndefined();
    expect(fake.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /v1/models']);

    const guarded = await startFakeOpenAi({ apiKey: 'sk-local-123' });
    try {
      const error = await rejection(summarizer({ apiKey: 'sk-wrong' }, guarded).check());
      expect(error).toBeInstanceOf(NonRetryableProviderError);
      expect(error.message).toMatch(/HTTP 401/);
    } finally {
      await guarded.close();
    }
  });
});

describe('OpenAiCompatibleSummarizer with invalid answers', () => {
  it('asks again once, saying what was invalid, and uses the second (valid) answer', async () => {
    const invalid = { ...ANSWER, sentiment: 3, actionItems: [{ ...ANSWER.actionItems[0], dueDate: 'next Friday' }] };
    fake.script(jsonAnswer(invalid), jsonAnswer(ANSWER));

    const result = await summarizer().summarize(INPUT);

    expect(fake.requests).toHaveLength(2);
    expect(result.generator).toBe('openai');
    expect(result.sentiment).toBe(0.6);
    const retry = fake.requests[1].body.messages;
    expect(retry.map((message: any) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(JSON.parse(retry[2].content)).toEqual(invalid);
    expect(retry[3].content).toMatch(/sentiment/);
    expect(retry[3].content).toMatch(/actionItems\[0\]\.dueDate/);
    expect(result.usage?.requests).toBe(2);
  });

  it('after prose and then a schema-breaking answer, the fallback summary is used and labelled, with the model and its usage', async () => {
    fake.script(textAnswer('The team talked about the launch.'), jsonAnswer({ ...ANSWER, keyPoints: 'none' }), jsonAnswer(ANSWER));

    const result = await summarizeWithFallback(summarizer(), new LocalSummarizer(), INPUT, { attempt: 1, maxAttempts: 5 });

    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1].body.messages[3].content).toMatch(/not a JSON object/);
    expect(result.generator).toBe('local (openai answer invalid)');
    expect(result.model).toBe(MODEL);
    expect(result.executiveSummary).toBe(summarizeLocally(INPUT).executiveSummary);
    expect(result.actionItems).toEqual(summarizeLocally(INPUT).actionItems);
    expect(result.usage?.requests).toBe(2);
  });

  it('the same two invalid answers without the fallback are an InvalidAnswerError', async () => {
    fake.script(jsonAnswer({ executiveSummary: '' }), jsonAnswer({ ...ANSWER, sentiment: 'positive' }));

    const error = await rejection(summarizer().summarize(INPUT));

    expect(error).toBeInstanceOf(InvalidAnswerError);
    expect(error.message).toMatch(/^openai answer invalid: The JSON answer is invalid/);
  });
});

describe('OpenAiCompatibleSummarizer on a long meeting and in the fallback', () => {
  const SPEAKERS = ['Alice', 'Bob Brown', 'Carol'];
  const LONG_SEGMENTS: Segment[] = Array.from({ length: 36 }, (_, index) => ({
    speaker: SPEAKERS[index % 3],
    start: index * 20,
    end: index * 20 + 18,
    text: `Item ${index + 1}: we reviewed the status of workstream ${index + 1} in detail, including its risks, its budget and the next milestones for the team.`,
  }));
  const LONG: SummaryInput = { ...INPUT, segments: LONG_SEGMENTS };
  const isReduce = (request: RecordedRequest): boolean => /Merge them into one summary/.test(userText(request));

  it('summarizes chunks that fit the budget (map), then merges the part answers (reduce)', async () => {
    const answerFor = (request: RecordedRequest) => {
      const text = userText(request);
      const merged = (text.match(/<part index=/g) ?? []).length;
      const part = /This is part (\d+) of (\d+)/.exec(text);
      const summary = isReduce(request) ? `Merged ${merged} parts.` : `Summary of part ${part?.[1]} of ${part?.[2]}.`;
      return jsonAnswer({ executiveSummary: summary, keyPoints: [], decisions: [], topics: [], sentiment: 0, actionItems: [] });
    };
    fake.script(...Array.from({ length: 40 }, () => answerFor));
    const maxInputTokens = 400;

    const result = await summarizer({ maxInputTokens }).summarize(LONG);

    const maps = fake.requests.filter((request) => !isReduce(request));
    const reduces = fake.requests.filter(isReduce);
    expect(maps.length).toBeGreaterThanOrEqual(3);
    expect(reduces).toHaveLength(1);
    const chunkLines = maps.map((request) => userText(request).split('Transcript:\n')[1].split('\n'));
    for (const lines of chunkLines) expect(estimateTokens(lines.join('\n'))).toBeLessThanOrEqual(maxInputTokens);
    expect(chunkLines.flat()).toEqual(LONG_SEGMENTS.map(transcriptLine));
    expect(result.executiveSummary).toBe(`Merged ${maps.length} parts.`);
    expect(result.usage?.requests).toBe(maps.length + 1);
  });

  it('a refusal for good (a 400) falls back at once, saying why; a retryable error before the last attempt goes to Temporal', async () => {
    fake.script(badRequest('messages[1].content: too long'), serverError());

    const result = await summarizeWithFallback(summarizer(), new LocalSummarizer(), INPUT, { attempt: 1, maxAttempts: 5 });
    const error = await rejection(summarizeWithFallback(summarizer(), new LocalSummarizer(), INPUT, { attempt: 2, maxAttempts: 5 }));

    expect(result.generator).toMatch(/^local \(fallback: OpenAI-compatible server http:\/\/127\.0\.0\.1:\d+\/v1 refused the request \(HTTP 400\): messages\[1\]\.content: too long/);
    expect(result.actionItems).toEqual(summarizeLocally(INPUT).actionItems);
    expect(error).toBeInstanceOf(RetryableProviderError);
  });

  it('a cancelled summary aborts the request in flight and rejects with the canceller\'s reason: no fallback, no retryable error', async () => {
    fake.script({ kind: 'hang' });

    const { rejected, reason } = await abortedOnceStarted((signal) => summarizeWithFallback(summarizer(), new LocalSummarizer(), INPUT, { attempt: 1, maxAttempts: 4, signal }), () => fake.requests.length === 1);

    expect(rejected).toBe(reason);
  });
});

describe('OpenAiCompatibleSummarizer and meeting kinds', () => {
  const RETRO: SummaryInput = {
    ...INPUT,
    title: 'Sprint 14 retro',
    segments: [
      { speaker: 'Sam', start: 0, end: 9, text: 'The release went really well, the new deploy pipeline worked smoothly.' },
      { speaker: 'Ana', start: 10, end: 19, text: 'Code review was too slow, pull requests waited days for reviewers.' },
      { speaker: 'Sam', start: 20, end: 29, text: "I'll set up a review rotation so every pull request gets a reviewer within a day." },
    ],
  };

  it("asks for the kind's sections and keeps those the cited lines support, titled from the template", async () => {
    fake.script(
      jsonAnswer({
        ...ANSWER,
        keyPoints: [],
        decisions: [],
        actionItems: [],
        sections: [
          { key: 'went_well', items: [{ text: 'The new deploy pipeline worked smoothly.', speaker: 'Sam', source: { from: '00:00', to: '00:00' } }] },
          // Cites the release line for something it does not say: dropped.
          { key: 'to_improve', items: [{ text: 'Code review was too slow.', speaker: 'Ana', source: { from: '00:10', to: '00:10' } }, { text: 'Hiring two testers.', source: { from: '00:00', to: '00:00' } }] },
          { key: 'feelings', items: [{ text: 'Everyone was tired.', source: { from: '00:10', to: '00:10' } }] },
        ],
      }),
    );

    const result = await summarizer().summarize(RETRO);

    expect(userText(fake.requests[0])).toMatch(/Meeting kind: retrospective\. Fill "sections" with:\n- went_well \(What went well\): .*\n- to_improve \(To improve\): .*\n- actions \(Actions\): /);
    expect(result.kind).toBe('retro');
    expect(result.sections).toEqual([
      { key: 'went_well', title: 'What went well', items: [{ text: 'The new deploy pipeline worked smoothly.', speaker: 'Sam', span: { firstSegment: 0, lastSegment: 0, start: 0, end: 9 } }] },
      { key: 'to_improve', title: 'To improve', items: [{ text: 'Code review was too slow.', speaker: 'Ana', span: { firstSegment: 1, lastSegment: 1, start: 10, end: 19 } }] },
    ]);
  });
});

describe('SUMMARIZER_PROVIDER', () => {
  const base = { OPENAI_MODEL: MODEL };

  it('auto picks Claude with a key, else the OpenAI-compatible server with a URL, else local; an explicit choice wins', () => {
    expect(summarizerChoice(loadConfig({ ANTHROPIC_API_KEY: 'sk-ant', OPENAI_BASE_URL: fake.url, ...base }))).toBe('claude');
    expect(summarizerChoice(loadConfig({ OPENAI_BASE_URL: fake.url, ...base }))).toBe('openai');
    expect(summarizerChoice(loadConfig({}))).toBe('local');
    expect(summarizerChoice(loadConfig({ SUMMARIZER_PROVIDER: 'openai', ANTHROPIC_API_KEY: 'sk-ant', OPENAI_BASE_URL: fake.url, ...base }))).toBe('openai');
    expect(summarizerChoice(loadConfig({ SUMMARIZER_PROVIDER: 'local', ANTHROPIC_API_KEY: 'sk-ant' }))).toBe('local');
  });

  it('says what is missing for the chosen summarizer', () => {
    expect(() => loadConfig({ OPENAI_BASE_URL: fake.url })).toThrow(ConfigError);
    expect(() => loadConfig({ OPENAI_BASE_URL: fake.url })).toThrow(/OPENAI_MODEL: required/);
    expect(() => loadConfig({ SUMMARIZER_PROVIDER: 'openai', ...base })).toThrow(/OPENAI_API_KEY: required for OpenAI's API/);
    expect(() => loadConfig({ OPENAI_BASE_URL: 'localhost 11434', ...base })).toThrow(/OPENAI_BASE_URL: must be a URL/);
    expect(() => loadConfig({ SUMMARIZER_PROVIDER: 'claude' })).toThrow(/ANTHROPIC_API_KEY: required/);
    expect(() => loadConfig({ SUMMARIZER_PROVIDER: 'vllm' })).toThrow(/SUMMARIZER_PROVIDER: must be auto, claude, openai, ollama or local/);
  });
});
