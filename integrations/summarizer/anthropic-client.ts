import Anthropic from '@anthropic-ai/sdk';

export interface AnthropicClientOptions {
  apiKey: string;
  baseURL?: string;
  timeoutMs: number;
}

/** The one way Meetflow talks to Anthropic (summaries and answers): its key, its base URL, and no SDK retries. */
export function anthropicClient(options: AnthropicClientOptions): Anthropic {
  return new Anthropic({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    // Retries belong to the caller (Temporal for summaries, the extractive fallback for answers): the SDK must not retry on its own.
    maxRetries: 0,
    timeout: options.timeoutMs,
  });
}
