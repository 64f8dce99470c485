import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { type RecordedRequest, recordingServer } from './recording-server';
import type { AddressInfo } from 'node:net';

/*
 * A protocol-level stand-in for the Anthropic Messages API (POST /v1/messages), for tests that drive the real SDK
 * through `baseURL`. Answers and errors have the real wire shapes; each request takes the next scripted behaviour.
 * It checks what the real API checks that matters here (headers, message alternation, tool_use → tool_result
 * pairing, tool_choice naming a defined tool, forced tool use on models that reject it) and emulates prompt caching:
 * the first request with a cache_control prefix (tools + system) writes it, later identical prefixes read it.
 * It does not emulate minimum cacheable lengths, rate limits or token counting (tokens are estimated at ~4 chars).
 */

export type { RecordedRequest } from './recording-server';

export interface UsageOverride {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}

export type FakeBehaviour =
  | { kind: 'tool_use'; input: unknown; name?: string; usage?: UsageOverride; stopReason?: 'tool_use' | 'max_tokens'; thinking?: string }
  | { kind: 'text'; text: string; usage?: UsageOverride; stopReason?: 'end_turn' | 'max_tokens' }
  | { kind: 'error'; status: number; type: string; message: string; headers?: Record<string, string>; details?: Record<string, unknown> }
  | { kind: 'drop' }
  /** Holds the answer for `ms` (a slow model), then answers with `then`. */
  | { kind: 'delay'; ms: number; then: FakeBehaviour };

/** A behaviour, or a function of the request that returns one (for answers that depend on what was asked). */
export type ScriptItem = FakeBehaviour | ((request: RecordedRequest) => FakeBehaviour);

export interface FakeAnthropic {
  url: string;
  requests: RecordedRequest[];
  /** Appends behaviours; each request consumes the first one left. */
  script(...items: ScriptItem[]): void;
  /** Answer once the script is used up (otherwise a 500 api_error "nothing scripted"). */
  otherwise(item: ScriptItem | undefined): void;
  /** Forgets the script, the default, the cache and the recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

// Behaviour builders -------------------------------------------------------------------------------------------

export const toolUse = (input: unknown, options: Omit<Extract<FakeBehaviour, { kind: 'tool_use' }>, 'kind' | 'input'> = {}): FakeBehaviour => ({
  kind: 'tool_use',
  input,
  ...options,
});

export const textAnswer = (text: string): FakeBehaviour => ({ kind: 'text', text });

/** HTTP 529, as the API answers when it is overloaded. */
export const overloaded = (): FakeBehaviour => ({ kind: 'error', status: 529, type: 'overloaded_error', message: 'Overloaded' });

/** HTTP 429 with a `retry-after` header. */
export const rateLimited = (retryAfterSeconds?: number): FakeBehaviour => ({
  kind: 'error',
  status: 429,
  type: 'rate_limit_error',
  message: 'This request would exceed the rate limit for your organization of 50,000 input tokens per minute. Please try again later.',
  ...(retryAfterSeconds !== undefined ? { headers: { 'retry-after': String(retryAfterSeconds) } } : {}),
});

export const invalidRequest = (message = 'messages: at least one message is required'): FakeBehaviour => ({
  kind: 'error',
  status: 400,
  type: 'invalid_request_error',
  message,
});

/** The tier's monthly spend cap: a 429 rate_limit_error with an error code and no retry-after. */
export const spendLimitReached = (): FakeBehaviour => ({
  kind: 'error',
  status: 429,
  type: 'rate_limit_error',
  // Wording is illustrative (the SDK says not to match on it): the error code is what identifies this case.
  message: 'Your organization has crossed the monthly threshold of its API tier. Access resumes on 2026-12-01 at 00:00 UTC.',
  details: { error_code: 'enforced_spend_limit_reached' },
});

/** The same limit as worded without an error code (older API answers, or other gateways). */
export const usageLimitInWordsOnly = (): FakeBehaviour => ({
  kind: 'error',
  status: 429,
  type: 'rate_limit_error',
  message: 'You have reached your specified API usage limits. You will regain access on 2026-12-01 at 00:00 UTC.',
});

export const creditBalanceTooLow = (): FakeBehaviour => ({
  kind: 'error',
  status: 400,
  type: 'invalid_request_error',
  message: 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
});

// The server ---------------------------------------------------------------------------------------------------

/** Models whose API rejects forced tool use (thinking is always on there). */
const REJECTS_FORCED_TOOL_USE = /^claude-(?:opus-5-5|sonnet-5-5|fable-5-1|mythos-5-1)(?:$|-)/;

const id = (prefix: string): string => `${prefix}_01${randomBytes(12).toString('hex')}`;
const estimate = (value: unknown): number => Math.ceil(JSON.stringify(value ?? '').length / 4);

export async function startFakeAnthropic(): Promise<FakeAnthropic> {
  const requests: RecordedRequest[] = [];
  let queue: ScriptItem[] = [];
  let fallbackItem: ScriptItem | undefined;
  let cachedPrefixes = new Set<string>();

  const server = recordingServer(requests, (request, res) => answer(request, res));

  const sendError = (res: http.ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}, details?: Record<string, unknown>): void => {
    const requestId = id('req');
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': requestId, ...headers });
    res.end(JSON.stringify({ type: 'error', error: { type, message, ...(details ? { details } : {}) }, request_id: requestId }));
  };

  function answer(request: RecordedRequest, res: http.ServerResponse): void {
    if (!request.headers['x-api-key'] && !request.headers.authorization) {
      return sendError(res, 401, 'authentication_error', 'x-api-key header is required');
    }
    const model = /^\/v1\/models\/([^/]+)$/.exec(request.path)?.[1];
    if (request.method === 'GET' && model) return describeModel(decodeURIComponent(model), res);
    if (request.method !== 'POST' || request.path !== '/v1/messages') return sendError(res, 404, 'not_found_error', 'Not found');
    if (!request.headers['anthropic-version']) return sendError(res, 400, 'invalid_request_error', 'anthropic-version: header is required');
    const problem = validate(request.body);
    if (problem) return sendError(res, 400, 'invalid_request_error', problem);

    const next = queue.length ? queue.shift() : fallbackItem;
    if (!next) return sendError(res, 500, 'api_error', `fake Anthropic: nothing scripted for request #${requests.length}`);
    const behaviour = typeof next === 'function' ? next(request) : next;
    reply(request, res, behaviour);
  }

  /** GET /v1/models/{id}: the models API's answer for a Claude model id, 404 for anything else. */
  function describeModel(model: string, res: http.ServerResponse): void {
    if (!/^claude-/.test(model)) return sendError(res, 404, 'not_found_error', `model: ${model}`);
    res.writeHead(200, { 'content-type': 'application/json', 'request-id': id('req') });
    res.end(JSON.stringify({ type: 'model', id: model, display_name: model, created_at: '2025-09-29T00:00:00Z' }));
  }

  function reply(request: RecordedRequest, res: http.ServerResponse, behaviour: FakeBehaviour): void {
    switch (behaviour.kind) {
      case 'delay': {
        const timer = setTimeout(() => reply(request, res, behaviour.then), behaviour.ms);
        res.once('close', () => clearTimeout(timer));
        return;
      }
      case 'drop':
        res.socket?.destroy();
        return;
      case 'error':
        return sendError(res, behaviour.status, behaviour.type, behaviour.message, behaviour.headers, behaviour.details);
      case 'tool_use':
      case 'text': {
        const content: unknown[] = [];
        if (behaviour.kind === 'tool_use' && behaviour.thinking !== undefined) {
          content.push({ type: 'thinking', thinking: behaviour.thinking, signature: randomBytes(24).toString('base64') });
        }
        content.push(
          behaviour.kind === 'tool_use'
            ? { type: 'tool_use', id: id('toolu'), name: behaviour.name ?? firstToolName(request.body), input: behaviour.input }
            : { type: 'text', text: behaviour.text, citations: null },
        );
        const stopReason = behaviour.stopReason ?? (behaviour.kind === 'tool_use' ? 'tool_use' : 'end_turn');
        res.writeHead(200, { 'content-type': 'application/json', 'request-id': id('req') });
        res.end(
          JSON.stringify({
            id: id('msg'),
            type: 'message',
            role: 'assistant',
            model: request.body.model,
            content,
            stop_reason: stopReason,
            stop_sequence: null,
            usage: usageFor(request.body, behaviour.kind === 'tool_use' ? behaviour.input : behaviour.text, behaviour.usage),
          }),
        );
        return;
      }
    }
  }

  /** Tokens split as the API reports them: a cache_control prefix (tools + system) is written once, then read. */
  function usageFor(body: any, output: unknown, override: UsageOverride = {}): Record<string, unknown> {
    const systemBlocks = Array.isArray(body.system) ? body.system : [];
    const cachedPrefix = systemBlocks.some((block: any) => block?.cache_control?.type === 'ephemeral') ? JSON.stringify([body.tools ?? [], systemBlocks]) : undefined;
    const prefixTokens = cachedPrefix ? estimate(cachedPrefix) : 0;
    const hit = cachedPrefix !== undefined && cachedPrefixes.has(cachedPrefix);
    if (cachedPrefix) cachedPrefixes.add(cachedPrefix);
    const cacheCreation = override.cache_creation_input_tokens ?? (cachedPrefix && !hit ? prefixTokens : 0);
    const cacheRead = override.cache_read_input_tokens ?? (hit ? prefixTokens : 0);
    const total = estimate(body.messages) + (cachedPrefix ? 0 : estimate([body.tools ?? [], body.system ?? '']));
    return {
      input_tokens: override.input_tokens ?? total,
      output_tokens: override.output_tokens ?? estimate(output),
      cache_creation_input_tokens: cacheCreation,
      cache_read_input_tokens: cacheRead,
      cache_creation: { ephemeral_5m_input_tokens: cacheCreation, ephemeral_1h_input_tokens: 0 },
      server_tool_use: null,
      service_tier: 'standard',
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...items) => void queue.push(...items),
    otherwise: (item) => {
      fallbackItem = item;
    },
    reset: () => {
      queue = [];
      fallbackItem = undefined;
      cachedPrefixes = new Set();
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function firstToolName(body: any): string {
  return body?.tools?.[0]?.name ?? 'tool';
}

/** The request checks of the real API that a summarizer can trip over. */
function validate(body: any): string | undefined {
  if (!body || typeof body !== 'object') return 'request body must be a JSON object';
  if (typeof body.model !== 'string' || !body.model) return 'model: Field required';
  if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1) return 'max_tokens: Field required';
  if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages: at least one message is required';
  const tools: any[] = Array.isArray(body.tools) ? body.tools : [];
  for (const tool of tools) {
    if (!/^[a-zA-Z0-9_-]{1,128}$/.test(tool?.name ?? '')) return 'tools.0.custom.name: String should match pattern';
    if (tool?.input_schema?.type !== 'object') return `tools.0.custom.input_schema.type: Input should be 'object'`;
  }
  const choice = body.tool_choice;
  if (choice) {
    if (!tools.length && choice.type !== 'none') return 'tool_choice may only be specified while providing tools.';
    if (choice.type === 'tool' && !tools.some((tool) => tool.name === choice.name)) return `tool_choice: tool '${choice.name}' not found in tools`;
    if ((choice.type === 'tool' || choice.type === 'any') && REJECTS_FORCED_TOOL_USE.test(body.model)) {
      return `tool_choice: forced tool use is not supported with model '${body.model}'. Use tool_choice {"type": "auto"} or {"type": "none"}.`;
    }
  }
  for (const [index, message] of body.messages.entries()) {
    const expected = index % 2 === 0 ? 'user' : 'assistant';
    if (message?.role !== expected) return `messages: roles must alternate between "user" and "assistant", starting with "user"`;
    const blocks = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    if (!Array.isArray(blocks) || blocks.length === 0) return `messages.${index}: all messages must have non-empty content`;
    const toolUseIds = blocks.filter((block: any) => block.type === 'tool_use').map((block: any) => block.id);
    if (toolUseIds.length) {
      const next = body.messages[index + 1];
      const results = Array.isArray(next?.content) ? next.content.filter((block: any) => block.type === 'tool_result').map((block: any) => block.tool_use_id) : [];
      const missing = toolUseIds.filter((toolUseId: string) => !results.includes(toolUseId));
      if (next && missing.length) {
        return `messages.${index + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
      }
    }
  }
  return undefined;
}
