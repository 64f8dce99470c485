import type Anthropic from '@anthropic-ai/sdk';
import { anthropicClient } from '../summarizer/anthropic-client';
import { classifyAnthropicError } from '../summarizer/claude-errors';
import { NonRetryableProviderError } from '../summarizer/errors';
import { ANSWER_SYSTEM_PROMPT, answerRequest } from './prompt';
import type { AnswerPassage, Answerer } from './types';

export interface ClaudeAnswererOptions {
  apiKey: string;
  model: string;
  baseURL?: string;
  /** Someone is waiting for the answer: past this the extractive answer is shown instead. Default 30 s. */
  timeoutMs?: number;
  /** max_tokens of the answer. Default 1 024 (a few sentences). */
  maxOutputTokens?: number;
}

/** Questions answered by Claude from the passages it is given, told to use nothing else. */
export class ClaudeAnswerer implements Answerer {
  readonly name = 'claude';
  readonly label = 'Claude';
  readonly model: string;
  private readonly client: Anthropic;
  private readonly maxOutputTokens: number;

  constructor(options: ClaudeAnswererOptions) {
    this.model = options.model;
    this.maxOutputTokens = options.maxOutputTokens ?? 1024;
    this.client = anthropicClient({ apiKey: options.apiKey, baseURL: options.baseURL, timeoutMs: options.timeoutMs ?? 30_000 });
  }

  async check(): Promise<void> {
    await this.client.models.retrieve(this.model);
  }

  /** The answer's text; a classified provider error when Claude fails or answers with no text. */
  async answer(question: string, passages: AnswerPassage[]): Promise<string> {
    try {
      const response = await this.client.messages.create({
        model: this.model,
        max_tokens: this.maxOutputTokens,
        system: [{ type: 'text', text: ANSWER_SYSTEM_PROMPT, cache_control: { type: 'ephemeral' } }],
        messages: [{ role: 'user', content: answerRequest(question, passages) }],
      });
      const text = response.content
        .flatMap((block) => (block.type === 'text' ? [block.text] : []))
        .join('')
        .trim();
      if (!text) throw new NonRetryableProviderError(`Claude answered without text (stop_reason ${response.stop_reason})`);
      return text;
    } catch (error) {
      throw classifyAnthropicError(error);
    }
  }
}
