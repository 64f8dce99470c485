import { AnthropicError, APIConnectionError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { isRetryableStatus, NonRetryableProviderError, RetryableProviderError, retryAfterSeconds } from './errors';

/** `error.details.error_code` values (SDK 1.x) that mean money, not load: waiting minutes does not help. */
const SPEND_LIMIT_CODES = new Set(['enforced_spend_limit_reached', 'contract_spend_limit_reached', 'linked_organization_spend_limit_reached']);
/**
 * Older or code-less answers only say it in words: "Your credit balance is too low to access the Anthropic API",
 * "You have reached your specified API usage limits. You will regain access on ...". The SDK warns that wording can change,
 * so the error code above is checked first.
 */
const SPEND_LIMIT_WORDS = /credit balance is too low|usage limits?\b|spend(?:ing)? limit/i;

/** Translates whatever the Anthropic SDK threw into a RetryableProviderError or a NonRetryableProviderError. */
export function classifyAnthropicError(error: unknown): Error {
  if (error instanceof RetryableProviderError || error instanceof NonRetryableProviderError) return error;
  // A cancelled activity aborts the request: that is not the provider's failure, keep it as it is.
  if (error instanceof APIUserAbortError) return error;
  if (error instanceof APIConnectionError) {
    return new RetryableProviderError(`Anthropic API unreachable: ${error.message}`, { cause: error });
  }
  if (error instanceof APIError) {
    const status = error.status;
    const detail = error.apiMessage ?? error.message;
    if (isSpendLimit(error)) {
      return new NonRetryableProviderError(
        `Anthropic spending or usage limit reached (HTTP ${status}): ${detail} Raise the limit or add credit in the Claude Console; the local summarizer is used meanwhile.`,
        { status, cause: error },
      );
    }
    const retryAfter = retryAfterSeconds(error.headers?.get('retry-after'));
    if (isRetryableStatus(status)) {
      const what = status === 429 ? 'rate limited' : status === 529 ? 'overloaded' : `failed with HTTP ${status}`;
      return new RetryableProviderError(`Anthropic API ${what}: ${detail}`, {
        status,
        cause: error,
        ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
      });
    }
    const hint =
      status === 401 ? ' Check ANTHROPIC_API_KEY.' : status === 404 ? ' Check the configured model name.' : status === 400 ? ' The request was rejected as invalid.' : '';
    return new NonRetryableProviderError(`Anthropic API refused the request (HTTP ${status ?? 'unknown'}): ${detail}${hint}`, { status, cause: error });
  }
  // SDK-side refusals before any request (e.g. a missing key or a too-large max_tokens without streaming) are configuration errors.
  if (error instanceof AnthropicError) return new NonRetryableProviderError(`Anthropic SDK: ${error.message}`, { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}

function isSpendLimit(error: APIError): boolean {
  if (error.errorCode && SPEND_LIMIT_CODES.has(error.errorCode)) return true;
  if (error.type === 'billing_error') return true;
  return (error.status === 400 || error.status === 402 || error.status === 429) && SPEND_LIMIT_WORDS.test(error.apiMessage ?? error.message);
}
