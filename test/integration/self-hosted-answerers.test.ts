import { loadConfig } from '../../config';
import { createAnswerer } from '../../integrations';
import { OllamaAnswerer, OpenAiCompatibleAnswerer } from '../../integrations/answerer/chat-models';
import type { AnswerPassage } from '../../integrations/answerer/types';
import { NonRetryableProviderError, RetryableProviderError } from '../../integrations/summarizer/errors';
import { type FakeOllama, ollamaError, startFakeOllama, textReply } from '../fakes/ollama';
import { type FakeOpenAi, serverError, startFakeOpenAi, textAnswer } from '../fakes/openai';
import { rejection } from '../helpers/rejection';

// Questions answered by a self-hosted model through the real openai and ollama clients, against their stand-ins.
const MODEL = 'llama3.1:8b';
let ollama: FakeOllama;
let openai: FakeOpenAi;

beforeAll(async () => {
  [ollama, openai] = await Promise.all([startFakeOllama({ models: [MODEL] }), startFakeOpenAi({ models: [MODEL] })]);
});
afterEach(() => {
  ollama.reset();
  openai.reset();
});
afterAll(() => Promise.all([ollama.close(), openai.close()]));

const PASSAGES: AnswerPassage[] = [
  { speaker: 'Ivo', meeting: 'Roadmap review', day: '2026-11-30', at: '0:10', text: 'We decided the mobile roadmap ships the offline mode first.' },
  { speaker: 'Hana', meeting: 'Roadmap review', day: '2026-11-30', at: '0:25', text: 'Sync comes in the release after that.' },
];
const QUESTION = 'What did we decide about the roadmap?';

/** Each answerer with its stand-in: the answer, then what the stand-in says next, and what it received. */
interface Row {
  answerer: () => OllamaAnswerer | OpenAiCompatibleAnswerer;
  says: (...texts: Array<string | 'fail'>) => void;
  requests: () => { body: any }[];
}
const ROWS: [string, Row][] = [
  [
    'OllamaAnswerer',
    {
      answerer: () => new OllamaAnswerer({ host: ollama.host, model: MODEL }),
      says: (...texts) => ollama.script(...texts.map((text) => (text === 'fail' ? ollamaError(500, 'llama runner process has terminated') : textReply(text)))),
      requests: () => ollama.requests,
    },
  ],
  [
    'OpenAiCompatibleAnswerer',
    {
      answerer: () => new OpenAiCompatibleAnswerer({ baseURL: openai.url, model: MODEL }),
      says: (...texts) => openai.script(...texts.map((text) => (text === 'fail' ? serverError() : textAnswer(text)))),
      requests: () => openai.requests,
    },
  ],
];

describe.each(ROWS)('%s', (_name, { answerer, says, requests }) => {
  it('answers from the numbered passages alone, told the rules, without a reasoning model\'s <think> block', async () => {
    says('<think>The first passage says it.</think>\nThe mobile roadmap ships the offline mode first [1].');

    const answer = await answerer().answer(QUESTION, PASSAGES);

    expect(answer).toBe('The mobile roadmap ships the offline mode first [1].');
    const [request] = requests();
    const [system, user] = request.body.messages;
    expect(system.content).toMatch(/using only the numbered passages/);
    expect(user.content).toBe('<passages>\n[1] Ivo, in "Roadmap review" (2026-11-30) at 0:10: We decided the mobile roadmap ships the offline mode first.\n[2] Hana, in "Roadmap review" (2026-11-30) at 0:25: Sync comes in the release after that.\n</passages>\n\nQuestion: What did we decide about the roadmap?');
    expect(request.body.temperature ?? request.body.options?.temperature).toBe(0);
  });

  it('an answer with no text is refused for good; a failing server is a retryable error', async () => {
    says('<think>Hmm.</think>  ', 'fail');

    const empty = await rejection(answerer().answer(QUESTION, PASSAGES));
    const failed = await rejection(answerer().answer(QUESTION, PASSAGES));

    expect(empty).toBeInstanceOf(NonRetryableProviderError);
    expect(empty.message).toMatch(/llama3\.1:8b .*answered without text/);
    expect(failed).toBeInstanceOf(RetryableProviderError);
  });
});

it('Ollama is given a window that holds the passages and the answer whatever its default', async () => {
  ollama.script(textReply('Offline mode first [1].'));
  await new OllamaAnswerer({ host: ollama.host, model: MODEL }).answer(QUESTION, PASSAGES);
  expect(ollama.requests[0].body.options.num_ctx).toBe(8192);
  expect(ollama.seen[0]).toMatch(/^You answer a person's question/);
});

it('ASK_ANSWERER auto: Claude with a key, else the self-hosted model that summarizes, else none (extractive)', () => {
  const answerer = (env: Record<string, string>) => createAnswerer(loadConfig(env));
  expect(answerer({ ANTHROPIC_API_KEY: 'sk-ant', OLLAMA_MODEL: MODEL })?.name).toBe('claude');
  expect(answerer({ OLLAMA_MODEL: MODEL })).toMatchObject({ name: 'ollama', label: MODEL });
  expect(answerer({ OPENAI_BASE_URL: openai.url, OPENAI_MODEL: MODEL })).toMatchObject({ name: 'openai', label: MODEL });
  expect(answerer({ OLLAMA_MODEL: MODEL, ASK_ANSWERER: 'extractive' })).toBeUndefined();
  expect(answerer({ OLLAMA_MODEL: MODEL, SUMMARIZER_PROVIDER: 'local' })).toBeUndefined();
  expect(answerer({})).toBeUndefined();
});
