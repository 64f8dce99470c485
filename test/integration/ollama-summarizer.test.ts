import pino from 'pino';
import { ConfigError, loadConfig, summarizerChoice } from '../../config';
import { createProviders } from '../../integrations';
import { transcriptLine } from '../../integrations/summarizer/chunking';
import { InvalidAnswerError, NonRetryableProviderError, RetryableProviderError } from '../../integrations/summarizer/errors';
import { summarizeWithFallback } from '../../integrations/summarizer/fallback';
import { LocalSummarizer, summarizeLocally } from '../../integrations/summarizer/local';
import { OllamaSummarizer, type OllamaSummarizerOptions } from '../../integrations/summarizer/ollama';
import type { SummaryInput } from '../../integrations/summarizer/types';
import type { Segment } from '../../integrations/transcripts/types';
import { DEFAULT_CONTEXT_TOKENS, type FakeOllama, jsonReply, ollamaError, outOfMemory, startFakeOllama, textReply } from '../fakes/ollama';
import { INPUT } from '../unit/meeting-sample';
import { freePort } from '../helpers/processes';
import { abortedOnceStarted, rejection } from '../helpers/rejection';

// The real ollama-js client talks HTTP to a local stand-in of Ollama's own API (test/fakes/ollama.ts).

const MODEL = 'llama3.1:8b';
let fake: FakeOllama;

beforeAll(async () => {
  fake = await startFakeOllama({ models: [MODEL, 'qwen3'] });
});
afterEach(() => fake.reset());
afterAll(async () => {
  await fake.close();
});

function summarizer(options: Partial<OllamaSummarizerOptions> = {}): OllamaSummarizer {
  return new OllamaSummarizer({ host: fake.host, model: MODEL, ...options });
}

/** A valid answer as the model writes it: owners as names, times as mm:ss. */
const ANSWER = {
  executiveSummary: 'The team planned the launch of the new mobile app for December 10.',
  keyPoints: [{ text: 'Beta testing went well and the crash rate dropped.', speaker: 'Bob Brown', at: '00:18' }],
  decisions: [{ text: 'Launch the mobile app on December 10.', speaker: 'Alice', at: '01:17' }],
  topics: [{ title: 'Launch plan', keywords: ['launch', 'mobile app'], start: '00:00', end: '02:40' }],
  sentiment: 0.6,
  actionItems: [
    { title: 'Send the launch checklist', description: 'To the whole team.', owner: 'Alice Smith', dueDate: '2026-11-27', priority: 'medium', type: 'task', source: { from: '01:46', to: '01:46' } },
  ],
};

describe('OllamaSummarizer with a valid answer', () => {
  it('turns the JSON answer into the grounded result, generator ollama, with the tokens Ollama counted', async () => {
    fake.script(jsonReply(ANSWER));

    const result = await summarizer().summarize(INPUT);

    expect(result.generator).toBe('ollama');
    expect(result.model).toBe(MODEL);
    expect(result.executiveSummary).toBe(ANSWER.executiveSummary);
    expect(result.decisions).toEqual([{ text: 'Launch the mobile app on December 10.', speaker: 'Alice', at: 77, span: { firstSegment: 5, lastSegment: 5, start: 77, end: 91 } }]);
    expect(result.actionItems).toEqual([
      { title: 'Send the launch checklist', description: 'To the whole team.', ownerId: 'u-alice', ownerName: 'Alice Smith', dueDate: '2026-11-27', priority: 'medium', type: 'task', span: { firstSegment: 8, lastSegment: 8, start: 106, end: 117 } },
    ]);
    expect(result.usage).toEqual({ inputTokens: expect.any(Number), outputTokens: expect.any(Number), cacheReadTokens: 0, cacheCreationTokens: 0, requests: 1 });
    expect(result.usage?.inputTokens).toBeGreaterThan(500);
    expect(result.usage?.costUsd).toBeUndefined();
  });

  it("asks Ollama's chat API for the schema as format, at temperature 0, without streaming, and the model sees the whole prompt", async () => {
    fake.script(jsonReply(ANSWER));

    await summarizer().summarize(INPUT);

    const [request] = fake.requests;
    expect(`${request.method} ${request.path}`).toBe('POST /api/chat');
    expect(request.body).toMatchObject({ model: MODEL, stream: false, options: { temperature: 0 } });
    expect(request.body.format).toMatchObject({ type: 'object', required: expect.arrayContaining(['executiveSummary', 'actionItems']) });
    const [system, user] = request.body.messages;
    expect(system.content).toMatch(/Answer with exactly one JSON object/);
    expect(fake.seen[0]).toContain(system.content);
    expect(fake.seen[0]).toContain(user.content);
  });

  it('sizes the context window to a long meeting, so the model still sees the instructions and its first and last lines', async () => {
    const segments: Segment[] = Array.from({ length: 400 }, (_, index) => ({
      speaker: index % 2 ? 'Alice' : 'Bob Brown',
      start: index * 15,
      end: index * 15 + 14,
      text: `On point ${index + 1} we went through the status of the workstream, its open risks and what the team does next.`,
    }));
    const long: SummaryInput = { ...INPUT, segments };
    fake.script(jsonReply({ ...ANSWER, keyPoints: [], decisions: [], actionItems: [] }));

    await summarizer().summarize(long);

    expect(fake.requests).toHaveLength(1);
    const prompt = fake.requests[0].body.messages.map((message: { content: string }) => message.content).join('\n');
    // Far past Ollama's default window: without num_ctx the model would see only the end of the transcript.
    expect(prompt.length / 4).toBeGreaterThan(3 * DEFAULT_CONTEXT_TOKENS);
    expect(fake.requests[0].body.options.num_ctx).toBeGreaterThan(prompt.length / 4);
    expect(fake.seen[0]).toMatch(/^You summarize/);
    expect(fake.seen[0]).toContain(transcriptLine(segments[0]));
    expect(fake.seen[0]).toContain(transcriptLine(segments[399]));
  });

  it("reads the JSON after a reasoning model's <think> block and from a code fence; a tag-less model name is the :latest one", async () => {
    fake.script(jsonReply(ANSWER, { wrap: 'think' }), jsonReply(ANSWER, { wrap: 'fence' }));

    const thought = await summarizer({ model: 'qwen3' }).summarize(INPUT);
    const fenced = await summarizer().summarize(INPUT);

    for (const result of [thought, fenced]) expect(result.actionItems.map((item) => item.title)).toEqual(['Send the launch checklist']);
    expect(thought.model).toBe('qwen3');
  });
});

describe('OllamaSummarizer with invalid answers', () => {
  it('asks again once, showing its answer and what was wrong, and says so when the answer was cut off', async () => {
    fake.script(jsonReply({ ...ANSWER, sentiment: 3 }, { doneReason: 'length' }), jsonReply(ANSWER));

    const result = await summarizer().summarize(INPUT);

    expect(result.sentiment).toBe(0.6);
    expect(result.usage?.requests).toBe(2);
    const retry = fake.requests[1].body.messages;
    expect(retry.map((message: { role: string }) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(retry[3].content).toMatch(/sentiment[\s\S]*cut off at the output token limit/);
  });

  it('after prose twice, the local summary is used and labelled; without the fallback it is an InvalidAnswerError', async () => {
    fake.script(textReply('The team talked about the launch.'), textReply('Sure! Here is a summary.'), textReply('No.'), textReply('No.'));

    const result = await summarizeWithFallback(summarizer(), new LocalSummarizer(), INPUT, { attempt: 1, maxAttempts: 4 });
    const error = await rejection(summarizer().summarize(INPUT));

    expect(result.generator).toBe('local (ollama answer invalid)');
    expect(result.actionItems).toEqual(summarizeLocally(INPUT).actionItems);
    expect(error).toBeInstanceOf(InvalidAnswerError);
    expect(error.message).toMatch(/^ollama answer invalid: The answer is not a JSON object/);
  });
});

describe('OllamaSummarizer errors (the client never retries: Temporal does)', () => {
  it('a 500, a dropped connection, no server and no answer in time are retryable', async () => {
    fake.script(ollamaError(500, 'llama runner process has terminated: signal: killed'), { kind: 'drop' }, { kind: 'hang' });
    const port = await freePort();

    const errors = [
      await rejection(summarizer().summarize(INPUT)),
      await rejection(summarizer().summarize(INPUT)),
      await rejection(summarizer({ timeoutMs: 300 }).summarize(INPUT)),
      await rejection(new OllamaSummarizer({ host: `127.0.0.1:${port}`, model: MODEL }).summarize(INPUT)),
    ];

    for (const error of errors) expect(error).toBeInstanceOf(RetryableProviderError);
    expect(errors[0].message).toMatch(/HTTP 500: llama runner process has terminated/);
    expect(errors[2].message).toMatch(/gave no answer within 0 s/);
    expect(errors[3].message).toMatch(new RegExp(`Ollama at 127\\.0\\.0\\.1:${port} unreachable.*Is \`ollama serve\` running`));
    expect(fake.requests).toHaveLength(3);
  });

  it('a model that is not pulled, a bad request and a model too big for memory are not retryable, each saying what to do', async () => {
    fake.script(ollamaError(400, 'invalid options: num_gpu'), outOfMemory());

    const badRequest = await rejection(summarizer().summarize(INPUT));
    const tooBig = await rejection(summarizer().summarize(INPUT));
    const notPulled = await rejection(summarizer({ model: 'llama9:70b' }).summarize(INPUT));

    for (const error of [badRequest, tooBig, notPulled]) {
      expect(error).toBeInstanceOf(NonRetryableProviderError);
      expect(error).not.toBeInstanceOf(RetryableProviderError);
    }
    expect(badRequest.message).toMatch(/HTTP 400\): invalid options: num_gpu/);
    expect(tooBig.message).toMatch(/cannot load llama3\.1:8b: model requires more system memory.*lower SUMMARY_MAX_INPUT_TOKENS/);
    expect(notPulled.status).toBe(404);
    expect(notPulled.message).toMatch(/model "llama9:70b" not found.*Run `ollama pull llama9:70b`/);
  });

  it('a refusal for good falls back at once, saying why', async () => {
    fake.script(outOfMemory());

    const result = await summarizeWithFallback(summarizer(), new LocalSummarizer(), INPUT, { attempt: 1, maxAttempts: 4 });

    expect(result.generator).toMatch(/^local \(fallback: Ollama at http:\/\/127\.0\.0\.1:\d+ cannot load llama3\.1:8b/);
    expect(result.executiveSummary).toBe(summarizeLocally(INPUT).executiveSummary);
  });

  it('a cancelled summary aborts the request in flight and rejects with the canceller\'s reason: no fallback, no retryable error', async () => {
    fake.script({ kind: 'hang' });

    const { rejected, reason } = await abortedOnceStarted((signal) => summarizeWithFallback(summarizer(), new LocalSummarizer(), INPUT, { attempt: 1, maxAttempts: 4, signal }), () => fake.requests.length === 1);

    expect(rejected).toBe(reason);
  });

  it('check() lists the pulled models (nothing loaded) and says which to pull when the model is missing', async () => {
    await expect(summarizer().check()).resolves.toBeUndefined();
    await expect(summarizer({ model: 'qwen3:latest' }).check()).resolves.toBeUndefined();
    const missing = await rejection(summarizer({ model: 'mistral' }).check());
    const down = await rejection(new OllamaSummarizer({ host: `:${await freePort()}`, model: MODEL }).check());

    expect(fake.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /api/tags', 'GET /api/tags', 'GET /api/tags']);
    expect(missing).toBeInstanceOf(NonRetryableProviderError);
    expect(missing.message).toMatch(/does not have the model mistral \(it has: llama3\.1:8b, qwen3:latest\)\. Run `ollama pull mistral`/);
    expect(down).toBeInstanceOf(RetryableProviderError);
  });
});

describe('SUMMARIZER_PROVIDER=ollama', () => {
  it('auto picks Ollama when OLLAMA_MODEL is set and no Claude key or OpenAI-compatible URL is; the worker summarizes through it', async () => {
    expect(summarizerChoice(loadConfig({ OLLAMA_MODEL: MODEL }))).toBe('ollama');
    expect(summarizerChoice(loadConfig({ OLLAMA_MODEL: MODEL, ANTHROPIC_API_KEY: 'sk-ant' }))).toBe('claude');
    expect(summarizerChoice(loadConfig({ SUMMARIZER_PROVIDER: 'ollama', OLLAMA_MODEL: MODEL, ANTHROPIC_API_KEY: 'sk-ant' }))).toBe('ollama');
    expect(loadConfig({}).OLLAMA_HOST).toBe('http://127.0.0.1:11434');

    const providers = createProviders(loadConfig({ OLLAMA_HOST: fake.host, OLLAMA_MODEL: MODEL }), pino({ level: 'silent' }));
    fake.script(jsonReply(ANSWER));
    const result = await providers.summarizer.summarize(INPUT);
    expect(result.generator).toBe('ollama');
    expect(fake.requests[0].body.model).toBe(MODEL);
  });

  it('says what is missing or wrong', () => {
    expect(() => loadConfig({ SUMMARIZER_PROVIDER: 'ollama' })).toThrow(ConfigError);
    expect(() => loadConfig({ SUMMARIZER_PROVIDER: 'ollama' })).toThrow(/OLLAMA_MODEL: required for the Ollama summarizer/);
    expect(() => loadConfig({ OLLAMA_MODEL: MODEL, OLLAMA_HOST: 'http://[::1' })).toThrow(/OLLAMA_HOST: must be a URL or host:port/);
    expect(() => loadConfig({ SUMMARIZER_PROVIDER: 'mistral' })).toThrow(/SUMMARIZER_PROVIDER: must be auto, claude, openai, ollama or local/);
  });
});
