import { Ollama } from 'ollama';
import { estimateTokens } from './chunking';
import { answerInText, askWithOneCorrection, type ChatMessage, type ChatReply, summarizeWithModel } from './llm-summary';
import { isRetryableStatus, NonRetryableProviderError, RetryableProviderError } from './errors';
import type { UsageMeter } from './pricing';
import { summaryJsonSchema } from './summary-answer';
import { jsonSystemPrompt } from './summary-prompt';
import type { MeetingSummaryResult, Summarizer, SummaryInput } from './types';

/*
 * A summarizer on Ollama's own chat API (POST /api/chat) through its official client, ollama-js. Ollama's /v1
 * endpoint works too (the OpenAI-compatible provider), but only the native API takes the context window: Ollama
 * runs a model with a few thousand tokens of context by default and silently drops the start of a longer prompt,
 * which is where the instructions and the answer's schema are. Each request here asks for a window that fits it
 * (`num_ctx`). The answer is asked for with the schema as `format` (Ollama ≥ 0.5); chunking, validation, grounding,
 * error classes and the fallback are the other providers'.
 */

export interface OllamaSummarizerOptions {
  /** As OLLAMA_HOST gives it: http://127.0.0.1:11434, 127.0.0.1:11434 or :11434. */
  host: string;
  /** A model pulled on that server, e.g. llama3.1:8b ("llama3.1" is "llama3.1:latest"). */
  model: string;
  /** Transcript budget per request in estimated tokens; longer meetings are chunked. Default 60 000. */
  maxInputTokens?: number;
  /** Tokens of the context window kept for the answer (a summary is 1-3 thousand). Default 4096. */
  answerTokens?: number;
  /** Per-request timeout. Default 5 minutes (the summarization activity allows 10). */
  timeoutMs?: number;
}

/** A real tokenizer makes more tokens of a transcript (clock times, names) than the ~4 characters each estimated. */
const TOKEN_MARGIN = 1.3;
const MIN_CONTEXT = 8192;

export class OllamaSummarizer implements Summarizer {
  readonly name = 'ollama';
  readonly model: string;
  private readonly server: OllamaServer;
  private readonly maxInputTokens: number;
  private readonly answerTokens: number;
  private readonly systemPrompt = jsonSystemPrompt(summaryJsonSchema());

  constructor(options: OllamaSummarizerOptions) {
    this.model = options.model;
    this.maxInputTokens = options.maxInputTokens ?? 60_000;
    this.answerTokens = options.answerTokens ?? 4096;
    this.server = { host: options.host, model: options.model, timeoutMs: options.timeoutMs ?? 5 * 60_000 };
  }

  /** The server answers and has the model (GET /api/tags: nothing is loaded, no tokens spent). */
  check(): Promise<void> {
    return checkOllamaModel(this.server);
  }

  /** Throws InvalidAnswerError when the model answers invalidly twice in a row, and classified errors otherwise. */
  async summarize(input: SummaryInput, signal?: AbortSignal): Promise<MeetingSummaryResult> {
    const run = {
      name: this.name,
      model: this.model,
      price: undefined,
      maxInputTokens: this.maxInputTokens,
      ask: (content: string, meter: UsageMeter, abort: AbortSignal | undefined) => {
        const client = ollamaClient(this.server, abort);
        return askWithOneCorrection(this.systemPrompt, content, meter, (messages) => this.send(client, messages));
      },
      classify: (error: unknown) => classifyOllamaError(error, this.server),
    };
    return summarizeWithModel(input, run, signal);
  }

  private async send(client: Ollama, messages: ChatMessage[]): Promise<ChatReply> {
    const response = await client.chat({
      model: this.model,
      messages,
      stream: false,
      format: summaryJsonSchema(),
      options: { temperature: 0, num_ctx: this.contextFor(messages) },
    });
    const said = response.message?.content ?? '';
    return {
      said,
      parsed: answerInText(said, response.done_reason === 'length'),
      model: response.model || this.model,
      tokens: { input: response.prompt_eval_count ?? 0, output: response.eval_count ?? 0 },
    };
  }

  /**
   * A context window that holds the whole prompt and the answer. Ollama loads a model again when the window changes,
   * so windows come in powers of two: few sizes, and none more than twice what a request needs (memory grows with it).
   */
  private contextFor(messages: ChatMessage[]): number {
    const needed = estimateTokens(messages.map((message) => message.content).join('\n')) * TOKEN_MARGIN + this.answerTokens;
    return Math.max(MIN_CONTEXT, 2 ** Math.ceil(Math.log2(needed)));
  }
}

/** An Ollama server and the model used on it, as every request to it needs them. */
export interface OllamaServer {
  host: string;
  model: string;
  timeoutMs: number;
}

/**
 * ollama-js takes neither a timeout nor an abort signal for a request that does not stream: both go into the fetch
 * it is given, so a client serves one part of a summary or one answer (clients are cheap: fetch keeps the connections).
 */
export function ollamaClient(server: OllamaServer, signal?: AbortSignal): Ollama {
  const limitedFetch: typeof fetch = (input, init) => {
    const limits = [AbortSignal.timeout(server.timeoutMs), ...(signal ? [signal] : []), ...(init?.signal ? [init.signal] : [])];
    return fetch(input, { ...init, signal: AbortSignal.any(limits) });
  };
  return new Ollama({ host: server.host, fetch: limitedFetch });
}

/** The server answers and has the model (GET /api/tags: nothing is loaded, no tokens spent). */
export async function checkOllamaModel(server: OllamaServer): Promise<void> {
  const { models } = await ollamaClient(server).list().catch((error: unknown) => {
    throw classifyOllamaError(error, server);
  });
  if (models.some((model) => sameModel(model.name, server.model))) return;
  const pulled = models.map((model) => model.name).join(', ') || 'none';
  throw new NonRetryableProviderError(`Ollama at ${server.host} does not have the model ${server.model} (it has: ${pulled}). Run \`ollama pull ${server.model}\` or set OLLAMA_MODEL.`);
}

/** ollama-js's failures as Meetflow's retryable / non-retryable ones, by the same rules as the other providers. */
export function classifyOllamaError(error: unknown, server: OllamaServer): Error {
  if (error instanceof RetryableProviderError || error instanceof NonRetryableProviderError) return error;
  const where = `Ollama at ${server.host}`;
  // A DOMException, which is not an Error of this realm everywhere (jest's sandbox): known by its name.
  if ((error as { name?: unknown } | undefined)?.name === 'TimeoutError') {
    return new RetryableProviderError(`${where} gave no answer within ${Math.round(server.timeoutMs / 1000)} s`, { cause: error });
  }
  const status = statusOf(error);
  if (status === undefined) {
    // fetch's "fetch failed" (refused, reset, DNS): the server is down or restarting.
    const reason = error instanceof Error ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}` : String(error);
    return new RetryableProviderError(`${where} unreachable (${reason}). Is \`ollama serve\` running there?`, { cause: error });
  }
  const detail = error instanceof Error ? error.message : String(error);
  // Loading a model that does not fit is a 500 that waiting does not fix.
  if (/requires more system memory|out of memory|unable to allocate/i.test(detail)) {
    return new NonRetryableProviderError(`${where} cannot load ${server.model}: ${detail} Use a smaller model, or lower SUMMARY_MAX_INPUT_TOKENS (the context window is sized to it).`, { status, cause: error });
  }
  if (isRetryableStatus(status)) return new RetryableProviderError(`${where} failed with HTTP ${status}: ${detail}`, { status, cause: error });
  const hint = status === 404 ? ` Run \`ollama pull ${server.model}\` on that server, or set OLLAMA_MODEL to a model it has.` : '';
  return new NonRetryableProviderError(`${where} refused the request (HTTP ${status}): ${detail}${hint}`, { status, cause: error });
}

/** ollama-js's ResponseError carries the HTTP status as `status_code`. */
function statusOf(error: unknown): number | undefined {
  const status = (error as { status_code?: unknown } | undefined)?.status_code;
  return typeof status === 'number' ? status : undefined;
}

/** Ollama names a model without a tag "<name>:latest". */
function sameModel(listed: string, wanted: string): boolean {
  const withTag = (name: string): string => (name.includes(':') ? name : `${name}:latest`);
  return withTag(listed) === withTag(wanted);
}
