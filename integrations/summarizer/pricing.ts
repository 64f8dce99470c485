/*
 * Token counts and approximate cost of a summary's provider calls.
 */

export interface PriceRates {
  /** USD per million uncached input tokens. */
  input: number;
  output: number;
  /** 5-minute cache writes. */
  cacheWrite: number;
  cacheRead: number;
}

export interface ModelPrice extends PriceRates {
  /** Rates for every token of a request whose prompt (input + cache reads + cache writes) exceeds `threshold` tokens. */
  longPrompt?: PriceRates & { threshold: number };
}

const rates = (input: number, output: number, cacheRead = input / 10, cacheWrite = input * 1.25): ModelPrice => ({ input, output, cacheRead, cacheWrite });

/**
 * APPROXIMATE list prices in USD per million tokens, standard tier, from Anthropic's public pricing pages (late 2026).
 * For cost reporting only: batch/priority tiers, 1-hour cache writes, regional or fast-mode surcharges and later
 * price changes are not modelled. A model missing here gets no costUsd (pass `price` to set one).
 */
export const CLAUDE_PRICES: Readonly<Record<string, ModelPrice>> = {
  'claude-fable-5-1': rates(10, 50, 0.25),
  'claude-mythos-5-1': rates(10, 50, 0.25),
  'claude-fable-5': rates(10, 50, 1),
  'claude-mythos-5': rates(10, 50, 1),
  'claude-opus-5-5': rates(4, 20, 0.2),
  'claude-opus-5': rates(5, 25),
  'claude-opus-4-8': rates(5, 25),
  'claude-opus-4-7': rates(5, 25),
  'claude-opus-4-6': rates(5, 25),
  'claude-opus-4-5': rates(5, 25),
  'claude-opus-4-1': rates(15, 75),
  'claude-opus-4-0': rates(15, 75),
  'claude-opus-4': rates(15, 75),
  'claude-sonnet-5-5': rates(2, 10, 0.1),
  'claude-sonnet-5': rates(2, 10),
  'claude-sonnet-4-6': rates(3, 15),
  'claude-sonnet-4-5': rates(3, 15),
  'claude-sonnet-4-0': rates(3, 15),
  'claude-sonnet-4': rates(3, 15),
  'claude-3-7-sonnet': rates(3, 15),
  'claude-haiku-5-5': { ...rates(0.1, 0.5, 0.01), longPrompt: { ...rates(0.5, 2.5, 0.05), threshold: 100_000 } },
  'claude-haiku-4-5': rates(1, 5),
  'claude-3-5-haiku': rates(0.8, 4),
  'claude-3-haiku': rates(0.25, 1.25, 0.03, 0.3),
};

/** The price of a model id, ignoring a date suffix or a `-latest` / `[1m]` tail ("claude-haiku-4-5-20251001" → haiku 4.5). */
export function priceFor(model: string): ModelPrice | undefined {
  const id = model
    .toLowerCase()
    .replace(/\[.*\]$/, '')
    .replace(/-(?:\d{8}|latest)$/, '');
  return CLAUDE_PRICES[id];
}

export interface ProviderUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
  /** Number of API requests. */
  requests: number;
  /** Approximate; absent for a model without a known price. */
  costUsd?: number;
}

/** One request's token counts, whatever the provider calls them. */
export interface RequestTokens {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

export class UsageMeter {
  private readonly totals = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0, requests: 0 };
  private cost: number | undefined = 0;

  constructor(private readonly price: ModelPrice | undefined) {}

  add({ input, output, cacheRead = 0, cacheWrite = 0 }: RequestTokens): void {
    this.totals.inputTokens += input;
    this.totals.outputTokens += output;
    this.totals.cacheReadTokens += cacheRead;
    this.totals.cacheCreationTokens += cacheWrite;
    this.totals.requests += 1;
    if (!this.price || this.cost === undefined) {
      this.cost = undefined;
      return;
    }
    // Each request is priced on its own: a long-prompt tier applies per request.
    const long = this.price.longPrompt;
    const r: PriceRates = long && input + cacheRead + cacheWrite > long.threshold ? long : this.price;
    this.cost += (input * r.input + output * r.output + cacheRead * r.cacheRead + cacheWrite * r.cacheWrite) / 1_000_000;
  }

  get usage(): ProviderUsage {
    return { ...this.totals, ...(this.cost !== undefined ? { costUsd: Math.round(this.cost * 1e6) / 1e6 } : {}) };
  }
}
