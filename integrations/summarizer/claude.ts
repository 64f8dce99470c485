import type Anthropic from '@anthropic-ai/sdk';
import type { ContentBlockParam, Message, MessageParam, TextBlockParam, Tool, ToolChoice } from '@anthropic-ai/sdk/resources/messages';
import { anthropicClient } from './anthropic-client';
import { classifyAnthropicError } from './claude-errors';
import { InvalidAnswer, summarizeWithModel } from './llm-summary';
import { type ModelPrice, priceFor, type UsageMeter } from './pricing';
import { type ParsedAnswer, parseSummaryInput, type SummaryAnswer, summaryJsonSchema } from './summary-answer';
import { SUMMARY_TOOL_DESCRIPTION, SUMMARY_TOOL_NAME, SYSTEM_PROMPT } from './summary-prompt';
import type { MeetingSummaryResult, Summarizer, SummaryInput } from './types';

/*
 * The Anthropic Claude summarizer: one forced tool call returns the summary as JSON, validated with zod.
 * Retries belong to Temporal (the SDK client never retries) and the fallback to the activity (fallback.ts): this
 * class only talks to Claude and classifies its errors as retryable or not.
 */

export interface ClaudeSummarizerOptions {
  apiKey: string;
  model: string;
  baseURL?: string;
  /** Transcript budget per request in estimated tokens (~4 characters each); longer meetings are chunked. Default 60 000. */
  maxInputTokens?: number;
  /** max_tokens of each request. Default 16 000 (adaptive-thinking models spend part of it thinking). */
  maxOutputTokens?: number;
  /** Per-request timeout. Default 5 minutes (the summarization activity allows 10). */
  timeoutMs?: number;
  /**
   * 'forced' sends tool_choice {type:'tool'}; 'auto' lets the model choose and treats an answer without the tool call as invalid.
   * Default: 'forced', except on models whose API rejects forced tool use (see {@link rejectsForcedToolUse}).
   */
  toolChoice?: 'forced' | 'auto';
  /** Price override for a model missing from the price table (USD per million tokens). */
  price?: ModelPrice;
}

const SUMMARY_TOOL: Tool = {
  name: SUMMARY_TOOL_NAME,
  description: SUMMARY_TOOL_DESCRIPTION,
  input_schema: summaryJsonSchema(),
};

/**
 * Models whose Messages API answers a forced tool_choice ({type:'tool'} or {type:'any'}) with a 400: thinking is always on
 * there (Anthropic's "What's new" pages for Claude Opus 5.5, Sonnet 5.5 and Fable 5.1; Mythos 5.1 assumed to match Fable 5.1).
 */
export function rejectsForcedToolUse(model: string): boolean {
  return /^claude-(?:opus-5-5|sonnet-5-5|fable-5-1|mythos-5-1)(?:$|-)/.test(model.toLowerCase());
}

export class ClaudeSummarizer implements Summarizer {
  readonly name = 'claude';
  readonly model: string;
  private readonly client: Anthropic;
  private readonly maxInputTokens: number;
  private readonly maxOutputTokens: number;
  private readonly toolChoice: ToolChoice;
  private readonly price: ModelPrice | undefined;

  constructor(options: ClaudeSummarizerOptions) {
    this.model = options.model;
    this.maxInputTokens = options.maxInputTokens ?? 60_000;
    this.maxOutputTokens = options.maxOutputTokens ?? 16_000;
    const forced = (options.toolChoice ?? (rejectsForcedToolUse(options.model) ? 'auto' : 'forced')) === 'forced';
    this.toolChoice = forced
      ? { type: 'tool', name: SUMMARY_TOOL_NAME, disable_parallel_tool_use: true }
      : { type: 'auto', disable_parallel_tool_use: true };
    this.price = options.price ?? priceFor(options.model);
    this.client = anthropicClient({ apiKey: options.apiKey, baseURL: options.baseURL, timeoutMs: options.timeoutMs ?? 5 * 60_000 });
  }

  /** The key is valid and the configured model exists (GET /v1/models/{model}: no tokens spent). */
  async check(): Promise<void> {
    await this.client.models.retrieve(this.model);
  }

  /** Throws InvalidAnswerError when Claude answers invalidly twice in a row, and classified provider errors otherwise. */
  async summarize(input: SummaryInput, signal?: AbortSignal): Promise<MeetingSummaryResult> {
    return summarizeWithModel(input, { name: this.name, model: this.model, price: this.price, maxInputTokens: this.maxInputTokens, ask: (content, meter, abort) => this.ask(content, meter, abort), classify: (error) => classifyAnthropicError(error) }, signal);
  }

  /** One structured answer: a request, and when the answer is invalid one more that says what was wrong. */
  private async ask(content: string, meter: UsageMeter, signal: AbortSignal | undefined): Promise<{ answer: SummaryAnswer; model: string }> {
    const messages: MessageParam[] = [{ role: 'user', content }];
    let problem = '';
    for (let attempt = 1; attempt <= 2; attempt++) {
      const response = await this.client.messages.create({
        model: this.model,
        max_tokens: this.maxOutputTokens,
        system: [{ type: 'text', text: SYSTEM_PROMPT, cache_control: { type: 'ephemeral' } }],
        tools: [SUMMARY_TOOL],
        tool_choice: this.toolChoice,
        messages,
      }, { signal });
      meter.add({
        input: response.usage.input_tokens ?? 0,
        output: response.usage.output_tokens ?? 0,
        cacheRead: response.usage.cache_read_input_tokens ?? 0,
        cacheWrite: response.usage.cache_creation_input_tokens ?? 0,
      });
      const parsed = parseAnswer(response);
      if (parsed.ok) return { answer: parsed.answer, model: response.model || this.model };
      problem = parsed.problem;
      messages.push(...correction(response, parsed.problem));
    }
    throw new InvalidAnswer(problem);
  }
}


function parseAnswer(response: Message): ParsedAnswer {
  const call = response.content.find((block) => block.type === 'tool_use' && block.name === SUMMARY_TOOL_NAME);
  const cutOff = response.stop_reason === 'max_tokens' ? ' The answer was cut off at the output token limit: keep the summary shorter.' : '';
  if (!call || call.type !== 'tool_use') {
    return { ok: false, problem: `The answer did not call the ${SUMMARY_TOOL_NAME} tool (stop_reason ${response.stop_reason}).${cutOff}` };
  }
  const parsed = parseSummaryInput(call.input, `${SUMMARY_TOOL_NAME} input`);
  return parsed.ok ? parsed : { ok: false, problem: `${parsed.problem}${cutOff}` };
}

/** The turns that tell the model what was wrong: the answer as received, then a tool_result error (or a note) for it. */
function correction(response: Message, problem: string): MessageParam[] {
  const instruction = `Call ${SUMMARY_TOOL_NAME} again with the complete, corrected summary.`;
  const toolUses = response.content.filter((block) => block.type === 'tool_use');
  const reply: Array<ContentBlockParam | TextBlockParam> = toolUses.length
    ? toolUses.map((block) => ({ type: 'tool_result' as const, tool_use_id: block.id, is_error: true, content: `${problem}\n${instruction}` }))
    : [{ type: 'text', text: `${problem}\n${instruction}` }];
  // The assistant turn goes back exactly as received (thinking blocks included, as the API requires); an empty one cannot be sent.
  const assistant: MessageParam[] = response.content.length ? [{ role: 'assistant', content: response.content as ContentBlockParam[] }] : [];
  return [...assistant, { role: 'user', content: reply }];
}
