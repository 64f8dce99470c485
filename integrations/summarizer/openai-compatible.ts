import OpenAI, { BadRequestError } from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { classifyOpenAiError } from './openai-errors';
import { answerInText, askWithOneCorrection, type ChatMessage, summarizeWithModel } from './llm-summary';
import { type ModelPrice, type UsageMeter } from './pricing';
import { type ParsedAnswer, type SummaryAnswer, summaryJsonSchema } from './summary-answer';
import { jsonSystemPrompt, SUMMARY_TOOL_NAME } from './summary-prompt';
import type { MeetingSummaryResult, Summarizer, SummaryInput } from './types';

/*
 * A summarizer for any OpenAI-compatible chat completions server: vLLM, llama.cpp's server, LM Studio, Ollama's /v1
 * endpoint, or OpenAI itself. The answer is asked for as JSON with a JSON Schema response_format and read from the
 * message text, so servers that ignore response_format (or answer with a tool call, or wrap the JSON in a code
 * fence or a <think> block) still work. A server that rejects response_format or temperature outright is asked
 * again without it. Chunking, validation, grounding, error classes and the fallback are the Claude path's.
 */

export interface OpenAiCompatibleSummarizerOptions {
  /** E.g. http://127.0.0.1:11434/v1 (Ollama), http://127.0.0.1:8000/v1 (vLLM); unset: OpenAI's API. */
  baseURL?: string;
  /** Optional for local servers, which accept any or none. */
  apiKey?: string;
  model: string;
  /** Transcript budget per request in estimated tokens (~4 characters each); longer meetings are chunked. Default 60 000. */
  maxInputTokens?: number;
  /** max_tokens of each request; unset leaves it to the server (some reject max_tokens, others cap it low). */
  maxOutputTokens?: number;
  /** Per-request timeout. Default 5 minutes (the summarization activity allows 10). */
  timeoutMs?: number;
  /** USD per million tokens, for a hosted model; local models cost nothing, and no costUsd is reported without it. */
  price?: ModelPrice;
}

/** An openai client for a server that may want no key at all, and that never retries on its own (Temporal does). */
export function openAiClient(options: { baseURL?: string; apiKey?: string; timeoutMs: number }): OpenAI {
  return new OpenAI({
    // The client insists on a key; without one, no Authorization header is sent at all.
    apiKey: options.apiKey || 'unused',
    ...(options.apiKey ? {} : { defaultHeaders: { Authorization: null } }),
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    maxRetries: 0,
    timeout: options.timeoutMs,
  });
}

/** The server answers and accepts the key (GET /models: no tokens spent). */
export async function checkOpenAiServer(client: OpenAI): Promise<void> {
  await client.models.list().catch((error: unknown) => {
    throw classifyOpenAiError(error, client.baseURL);
  });
}

/** The request parameters a server may refuse by name (a 400 naming it), then sent no more. */
type Optional = 'response_format' | 'temperature';

export class OpenAiCompatibleSummarizer implements Summarizer {
  readonly name = 'openai';
  readonly model: string;
  private readonly client: OpenAI;
  private readonly server: string;
  private readonly maxInputTokens: number;
  private readonly maxOutputTokens: number | undefined;
  private readonly price: ModelPrice | undefined;
  private readonly systemPrompt: string;
  private readonly refused = new Set<Optional>();

  constructor(options: OpenAiCompatibleSummarizerOptions) {
    this.model = options.model;
    this.maxInputTokens = options.maxInputTokens ?? 60_000;
    this.maxOutputTokens = options.maxOutputTokens;
    this.price = options.price;
    this.systemPrompt = jsonSystemPrompt(summaryJsonSchema());
    this.client = openAiClient({ ...options, timeoutMs: options.timeoutMs ?? 5 * 60_000 });
    this.server = this.client.baseURL;
  }

  check(): Promise<void> {
    return checkOpenAiServer(this.client);
  }

  /** Throws InvalidAnswerError when the model answers invalidly twice in a row, and classified errors otherwise. */
  async summarize(input: SummaryInput, signal?: AbortSignal): Promise<MeetingSummaryResult> {
    return summarizeWithModel(input, { name: this.name, model: this.model, price: this.price, maxInputTokens: this.maxInputTokens, ask: (content, meter, abort) => this.ask(content, meter, abort), classify: (error) => classifyOpenAiError(error, this.server) }, signal);
  }

  /** One structured answer: a request, and when the answer is invalid one more that says what was wrong. */
  private ask(content: string, meter: UsageMeter, signal: AbortSignal | undefined): Promise<{ answer: SummaryAnswer; model: string }> {
    return askWithOneCorrection(this.systemPrompt, content, meter, async (messages) => {
      const response = await this.complete(messages, signal);
      const usage = response.usage;
      return {
        said: response.choices[0]?.message?.content ?? '',
        parsed: parseAnswer(response),
        model: response.model || this.model,
        tokens: { input: usage?.prompt_tokens ?? 0, output: usage?.completion_tokens ?? 0, cacheRead: usage?.prompt_tokens_details?.cached_tokens ?? 0 },
      };
    });
  }

  /** The request, sent again without a parameter the server refuses by name (older llama.cpp, some proxies). */
  private async complete(messages: ChatMessage[], signal: AbortSignal | undefined): Promise<ChatCompletion> {
    for (;;) {
      try {
        return await this.client.chat.completions.create(this.request(messages), { signal });
      } catch (error) {
        const refused = refusedParameter(error);
        if (!refused || this.refused.has(refused)) throw error;
        this.refused.add(refused);
      }
    }
  }

  private request(messages: ChatMessage[]): ChatCompletionCreateParamsNonStreaming {
    return {
      model: this.model,
      messages,
      ...(this.refused.has('temperature') ? {} : { temperature: 0 }),
      ...(this.maxOutputTokens ? { max_tokens: this.maxOutputTokens } : {}),
      ...(this.refused.has('response_format')
        ? {}
        : { response_format: { type: 'json_schema', json_schema: { name: SUMMARY_TOOL_NAME, schema: summaryJsonSchema(), strict: false } } }),
    };
  }
}


function refusedParameter(error: unknown): Optional | undefined {
  if (!(error instanceof BadRequestError)) return undefined;
  const said = `${error.param ?? ''} ${error.message}`;
  if (/response_format|json_schema/i.test(said)) return 'response_format';
  if (/temperature/i.test(said)) return 'temperature';
  return undefined;
}

/** The JSON from the message text (or from a tool call, for servers that answer that way), validated. */
function parseAnswer(response: ChatCompletion): ParsedAnswer {
  const choice = response.choices[0];
  const call = choice?.message?.tool_calls?.find((toolCall) => toolCall.type === 'function');
  const text = call?.type === 'function' ? call.function.arguments : (choice?.message?.content ?? '');
  return answerInText(text, choice?.finish_reason === 'length', choice?.message?.refusal);
}
