import { InvalidAnswerError, NonRetryableProviderError } from './errors';
import type { MeetingSummaryResult, Summarizer, SummaryInput } from './types';

/*
 * The one place where the embedded summarizer takes over from a hosted one, so the summary step always ends with a
 * summary and says which summarizer made it ("local (fallback: claude failed 4 attempts)"). The activity passes
 * Temporal's attempt number; retryable errors before the last attempt propagate so Temporal retries them.
 */
export async function summarizeWithFallback(
  summarizer: Summarizer,
  fallback: Summarizer,
  input: SummaryInput,
  { attempt, maxAttempts, signal }: { attempt: number; maxAttempts: number; signal?: AbortSignal },
): Promise<MeetingSummaryResult> {
  if (summarizer === fallback) return summarizer.summarize(input);
  if (attempt >= maxAttempts) return fallBack(fallback, input, `fallback: ${summarizer.name} failed ${attempt - 1} attempt${attempt - 1 === 1 ? '' : 's'}`);
  try {
    return await summarizer.summarize(input, signal);
  } catch (error) {
    if (error instanceof InvalidAnswerError) {
      const result = await fallBack(fallback, input, `${error.provider} answer invalid`);
      return { ...result, model: error.model, usage: { ...error.usage } };
    }
    if (error instanceof NonRetryableProviderError) return fallBack(fallback, input, `fallback: ${error.message}`);
    throw error;
  }
}

async function fallBack(fallback: Summarizer, input: SummaryInput, why: string): Promise<MeetingSummaryResult> {
  const result = await fallback.summarize(input);
  return { ...result, generator: `${result.generator} (${why})` };
}
