import { summarizeInParts } from './chunking';
import { InvalidAnswerError } from './errors';
import { type ModelPrice, type RequestTokens, UsageMeter } from './pricing';
import { type ParsedAnswer, parseSummaryInput, type SummaryAnswer, toResult } from './summary-answer';
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
  /** One structured answer for this part of the meeting, and the model that gave it; `signal` aborts its requests. */
  ask: (content: string, meter: UsageMeter, signal: AbortSignal | undefined) => Promise<{ answer: SummaryAnswer; model: string }>;
  /** The provider's errors as Meetflow's retryable / non-retryable ones. */
  classify: (error: unknown) => Error;
}

/**
 * A meeting summarized by a language model, the same way for every provider: in parts when it is long, usage
 * counted, the answers grounded in the transcript. Throws InvalidAnswerError when the model answers invalidly
 * twice in a row, the signal's reason once it is aborted, and the provider's classified errors otherwise.
 */
export async function summarizeWithModel(input: SummaryInput, run: LlmSummaryRun, signal?: AbortSignal): Promise<MeetingSummaryResult> {
  const meter = new UsageMeter(run.price);
  let answeredBy = run.model;
  const ask = async (content: string): Promise<SummaryAnswer> => {
    const result = await run.ask(content, meter, signal).catch((error: unknown) => {
      // Aborted by the caller: whatever the client threw, the reason is theirs (Temporal's CancelledFailure).
      if (signal?.aborted) throw signal.reason ?? error;
      if (error instanceof InvalidAnswer) throw new InvalidAnswerError(run.name, error.message, answeredBy, meter.usage);
      throw run.classify(error);
    });
    answeredBy = result.model;
    return result.answer;
  };
  const answer = await summarizeInParts(input.segments, meetingContext(input), run.maxInputTokens, ask);
  return { ...toResult(answer, input), generator: run.name, model: answeredBy, usage: { ...meter.usage } };
}

/** A chat message as every chat API takes it. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** One reply of a chat model, read: what it said, the answer in it (or what was wrong), who answered, its tokens. */
export interface ChatReply {
  said: string;
  parsed: ParsedAnswer;
  model: string;
  tokens: RequestTokens;
}

/**
 * One structured answer from a chat model: a request, and when the answer is invalid one more that shows the model
 * its answer and says what was wrong. Throws InvalidAnswer when the second is invalid too.
 */
export async function askWithOneCorrection(
  systemPrompt: string,
  content: string,
  meter: UsageMeter,
  send: (messages: ChatMessage[]) => Promise<ChatReply>,
): Promise<{ answer: SummaryAnswer; model: string }> {
  const messages: ChatMessage[] = [
    { role: 'system', content: systemPrompt },
    { role: 'user', content },
  ];
  let problem = '';
  for (let attempt = 1; attempt <= 2; attempt++) {
    const reply = await send(messages);
    meter.add(reply.tokens);
    if (reply.parsed.ok) return { answer: reply.parsed.answer, model: reply.model };
    problem = reply.parsed.problem;
    messages.push(
      { role: 'assistant', content: reply.said || '(no answer)' },
      { role: 'user', content: `${problem}\nAnswer again with the complete, corrected JSON object only.` },
    );
  }
  throw new InvalidAnswer(problem);
}

/** The summary in a model's reply text, validated; `cutOff` when the reply stopped at the output token limit. */
export function answerInText(text: string, cutOff: boolean, refusal?: string | null): ParsedAnswer {
  const limit = cutOff ? ' The answer was cut off at the output token limit: keep the summary shorter.' : '';
  const json = jsonIn(text);
  if (json === undefined) return { ok: false, problem: `The answer is not a JSON object.${refusal ? ` The model refused: ${refusal}` : ''}${limit}` };
  const parsed = parseSummaryInput(json, 'JSON answer');
  return parsed.ok ? parsed : { ok: false, problem: `${parsed.problem}${limit}` };
}

/** A model's reply without the <think> block a reasoning model puts first. */
export function withoutThinking(text: string): string {
  return text.replace(/<think>[\s\S]*?<\/think>/gi, '').trim();
}

/** The first JSON object in the text: reasoning models put a <think> block first, some wrap the JSON in a code fence. */
export function jsonIn(text: string): unknown {
  const body = withoutThinking(text);
  const start = body.indexOf('{');
  const end = body.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    return JSON.parse(body.slice(start, end + 1)) as unknown;
  } catch {
    return undefined;
  }
}
