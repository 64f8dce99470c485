import { APIConnectionError, APIError, APIUserAbortError, OpenAIError } from 'openai';
import { isRetryableStatus, NonRetryableProviderError, RetryableProviderError, retryAfterSeconds } from './errors';

/** OpenAI's "You exceeded your current quota": a 429 that is about money, so waiting does not help. */
const QUOTA_CODES = new Set(['insufficient_quota', 'billing_hard_limit_reached']);

/**
 * Translates whatever the openai client threw (talking to OpenAI, vLLM, llama.cpp, LM Studio or Ollama) into a
 * RetryableProviderError or a NonRetryableProviderError, by the same rules as the Claude provider.
 */
export function classifyOpenAiError(error: unknown, server: string): Error {
  if (error instanceof RetryableProviderError || error instanceof NonRetryableProviderError) return error;
  // A cancelled activity aborts the request: that is not the server's failure, keep it as it is.
  if (error instanceof APIUserAbortError) return error;
  if (error instanceof APIConnectionError) {
    return new RetryableProviderError(`OpenAI-compatible server ${server} unreachable: ${error.message}`, { cause: error });
  }
  if (error instanceof APIError) {
    const status = error.status;
    const detail = apiMessage(error);
    if (error.code && QUOTA_CODES.has(error.code)) {
      return new NonRetryableProviderError(`OpenAI-compatible server ${server} refused: quota exhausted (HTTP ${status}): ${detail} Add credit or raise the limit; the local summarizer is used meanwhile.`, {
        status,
        cause: error,
      });
    }
    if (isRetryableStatus(status)) {
      const retryAfter = retryAfterSeconds(error.headers?.get('retry-after'));
      const what = status === 429 ? 'rate limited' : `failed with HTTP ${status}`;
      return new RetryableProviderError(`OpenAI-compatible server ${server} ${what}: ${detail}`, {
        status,
        cause: error,
        ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
      });
    }
    return new NonRetryableProviderError(`OpenAI-compatible server ${server} refused the request (HTTP ${status ?? 'unknown'}): ${detail}${hintFor(status)}`, { status, cause: error });
  }
  // Client-side refusals before any request (e.g. a malformed base URL) are configuration errors.
  if (error instanceof OpenAIError) return new NonRetryableProviderError(`openai client: ${error.message}`, { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}

function apiMessage(error: APIError): string {
  const body = error.error as { message?: unknown } | string | undefined;
  if (typeof body === 'string') return body;
  return typeof body?.message === 'string' ? body.message : error.message;
}

function hintFor(status: number | undefined): string {
  if (status === 401 || status === 403) return ' Check OPENAI_API_KEY.';
  // Ollama answers an unknown model with a 404; a base URL without /v1 gives a 404 on every path.
  if (status === 404) return ' Check OPENAI_MODEL (for Ollama: pulled with `ollama pull`) and that OPENAI_BASE_URL ends in /v1.';
  if (status === 400) return ' The request was rejected as invalid (a prompt longer than the model context? lower SUMMARY_MAX_INPUT_TOKENS).';
  return '';
}
