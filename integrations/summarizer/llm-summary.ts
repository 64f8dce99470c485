import { summarizeInParts } from './chunking';
import { InvalidAnswerError } from './errors';
import { type ModelPrice, UsageMeter } from './pricing';
import { type SummaryAnswer, toResult } from './summary-answer';
import { meetingContext } from './summary-prompt';
import type { MeetingSummaryResult, SummaryInput } from './types';

/** An answer the model gave twice in a form the schema refuses (each provider's ask() throws it). */
export class InvalidAnswer extends Error {}

export interface LlmSummaryRun {
  /** The provider's name (the summary's generator and the error's source). */
  name: string;
  model: string;
  /** Unknown for a model without a published price (usage is still counted). */
  price: ModelPrice | undefined;
  maxInputTokens: number;
  /** One structured answer for this part of the meeting, and the model that gave it. */
  ask: (content: string, meter: UsageMeter) => Promise<{ answer: SummaryAnswer; model: string }>;
  /** The provider's errors as Meetflow's retryable / non-retryable ones. */
  classify: (error: unknown) => Error;
}

/**
 * A meeting summarized by a language model, the same way for every provider: in parts when it is long, usage
 * counted, the answers grounded in the transcript. Throws InvalidAnswerError when the model answers invalidly
 * twice in a row, and the provider's classified errors otherwise.
 */
export async function summarizeWithModel(input: SummaryInput, run: LlmSummaryRun): Promise<MeetingSummaryResult> {
  const meter = new UsageMeter(run.price);
  let answeredBy = run.model;
  const ask = async (content: string): Promise<SummaryAnswer> => {
    const result = await run.ask(content, meter).catch((error: unknown) => {
      if (error instanceof InvalidAnswer) throw new InvalidAnswerError(run.name, error.message, answeredBy, meter.usage);
      throw run.classify(error);
    });
    answeredBy = result.model;
    return result.answer;
  };
  const answer = await summarizeInParts(input.segments, meetingContext(input), run.maxInputTokens, ask);
  return { ...toResult(answer, input), generator: run.name, model: answeredBy, usage: { ...meter.usage } };
}
