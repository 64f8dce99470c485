import type OpenAI from 'openai';
import { NonRetryableProviderError } from '../summarizer/errors';
import { withoutThinking } from '../summarizer/llm-summary';
import { checkOllamaModel, classifyOllamaError, ollamaClient, type OllamaServer } from '../summarizer/ollama';
import { checkOpenAiServer, openAiClient } from '../summarizer/openai-compatible';
import { classifyOpenAiError } from '../summarizer/openai-errors';
import { ANSWER_SYSTEM_PROMPT, answerRequest } from './prompt';
import type { AnswerPassage, Answerer } from './types';

/*
 * Questions answered by a self-hosted model, from the passages it is given (the same prompt as Claude's): any
 * OpenAI-compatible server, or Ollama on its own API. Someone is waiting: 30 s, then the quoted lines are shown.
 */

const ANSWER_TIMEOUT_MS = 30_000;
/** The smallest window the Ollama summarizer asks for, so an answer does not make Ollama load the model again. */
const ANSWER_CONTEXT_TOKENS = 8192;

/** The answer without a reasoning model's <think> block; a refusal for good when nothing is left. */
function answerText(said: string | null | undefined, who: string): string {
  const text = withoutThinking(said ?? '');
  if (!text) throw new NonRetryableProviderError(`${who} answered without text`);
  return text;
}

export class OpenAiCompatibleAnswerer implements Answerer {
  readonly name = 'openai';
  readonly model: string;
  private readonly client: OpenAI;

  constructor(options: { baseURL?: string; apiKey?: string; model: string; timeoutMs?: number }) {
    this.model = options.model;
    this.client = openAiClient({ ...options, timeoutMs: options.timeoutMs ?? ANSWER_TIMEOUT_MS });
  }

  get label(): string {
    return this.model;
  }

  check(): Promise<void> {
    return checkOpenAiServer(this.client);
  }

  async answer(question: string, passages: AnswerPassage[]): Promise<string> {
    const response = await this.client.chat.completions
      .create({
        model: this.model,
        temperature: 0,
        messages: [
          { role: 'system', content: ANSWER_SYSTEM_PROMPT },
          { role: 'user', content: answerRequest(question, passages) },
        ],
      })
      .catch((error: unknown) => {
        throw classifyOpenAiError(error, this.client.baseURL);
      });
    return answerText(response.choices[0]?.message?.content, `${this.model} at ${this.client.baseURL}`);
  }
}

export class OllamaAnswerer implements Answerer {
  readonly name = 'ollama';
  readonly model: string;
  private readonly server: OllamaServer;

  constructor(options: { host: string; model: string; timeoutMs?: number }) {
    this.model = options.model;
    this.server = { host: options.host, model: options.model, timeoutMs: options.timeoutMs ?? ANSWER_TIMEOUT_MS };
  }

  get label(): string {
    return this.model;
  }

  check(): Promise<void> {
    return checkOllamaModel(this.server);
  }

  async answer(question: string, passages: AnswerPassage[]): Promise<string> {
    const response = await ollamaClient(this.server)
      .chat({
        model: this.model,
        stream: false,
        // A few lines and a short answer; Ollama's default window can be as small as 2,048 tokens.
        options: { temperature: 0, num_ctx: ANSWER_CONTEXT_TOKENS },
        messages: [
          { role: 'system', content: ANSWER_SYSTEM_PROMPT },
          { role: 'user', content: answerRequest(question, passages) },
        ],
      })
      .catch((error: unknown) => {
        throw classifyOllamaError(error, this.server);
      });
    return answerText(response.message?.content, `${this.model} on Ollama at ${this.server.host}`);
  }
}
