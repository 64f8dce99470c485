import type { ProviderUsage } from './pricing';

/*
 * The errors every hosted summarizer (Claude, OpenAI-compatible, Ollama) turns its client's failures into, so the
 * activity decides retries and the fallback the same way whichever provider answered.
 */

/** A failure worth retrying later (rate limit, overload, 5xx, network): Temporal retries the activity. */
export class RetryableProviderError extends Error {
  override name = 'RetryableProviderError';
  /** From the `retry-after` header, when the API sent one. */
  readonly retryAfterSeconds?: number;
  readonly status?: number;

  constructor(message: string, options: { retryAfterSeconds?: number; status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
    if (options.status !== undefined) this.status = options.status;
  }
}

/** A failure that repeating the same request cannot fix (bad request, bad key, spending limit reached, unknown model). */
export class NonRetryableProviderError extends Error {
  override name = 'NonRetryableProviderError';
  readonly status?: number;

  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    if (options.status !== undefined) this.status = options.status;
  }
}

/**
 * The model answered, twice, with something that is not a valid summary. Asking again is unlikely to help; the
 * fallback takes over and the summary still reports the model that was tried and what its calls cost.
 */
export class InvalidAnswerError extends NonRetryableProviderError {
  override name = 'InvalidAnswerError';

  constructor(
    readonly provider: string,
    readonly problem: string,
    readonly model: string,
    readonly usage: ProviderUsage,
  ) {
    super(`${provider} answer invalid: ${problem}`);
  }
}

/** `retry-after` in seconds (or an HTTP date); undefined when absent or unreadable. */
export function retryAfterSeconds(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** What an HTTP status says about repeating the request: the rule shared by the hosted providers. */
export function isRetryableStatus(status: number | undefined): boolean {
  return status === 429 || status === 408 || status === 409 || (status !== undefined && status >= 500);
}
