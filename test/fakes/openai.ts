import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { type RecordedRequest, recordingServer } from './recording-server';
import type { AddressInfo } from 'node:net';

/*
 * A protocol-level stand-in for an OpenAI-compatible server (POST /v1/chat/completions, GET /v1/models), as
 * OpenAI, vLLM, llama.cpp, LM Studio and Ollama's /v1 speak it, for tests that drive the real openai client through
 * `baseURL`. Answers and errors have the wire shapes of the chat completions API; each completion request takes
 * the next scripted behaviour. It checks what a server checks that matters here: the bearer key (when one is
 * configured), the model (unknown ones get Ollama's 404), the messages and the response_format's shape; with
 * `rejectResponseFormat` it refuses response_format like a server that does not support it. It does not emulate
 * tokenization (tokens are estimated at ~4 characters) or rate limits beyond the scripted ones.
 */

export type { RecordedRequest } from './recording-server';

export type FakeBehaviour =
  /** The answer as message text: raw JSON, in a Markdown code fence, or after a reasoning model's <think> block. */
  | { kind: 'json'; answer: unknown; wrap?: 'fence' | 'think'; finishReason?: 'stop' | 'length'; model?: string }
  /** The answer as a function call's arguments (servers that turn structured output into a tool call). */
  | { kind: 'tool_call'; answer: unknown }
  | { kind: 'text'; text: string }
  | { kind: 'error'; status: number; type: string; message: string; code?: string; param?: string; headers?: Record<string, string> }
  | { kind: 'drop' }
  /** Never answers (until the stand-in closes): a model that takes minutes. */
  | { kind: 'hang' };

export type ScriptItem = FakeBehaviour | ((request: RecordedRequest) => FakeBehaviour);

export interface FakeOpenAiOptions {
  /** When set, requests must carry `Authorization: Bearer <apiKey>`; otherwise any or none is accepted (a local server). */
  apiKey?: string;
  /** The models GET /v1/models lists and completions accept. Default ['llama3.1:8b']. */
  models?: string[];
  /** Answer any request with response_format with a 400 naming it (servers without structured output). */
  rejectResponseFormat?: boolean;
}

export interface FakeOpenAi {
  url: string;
  requests: RecordedRequest[];
  script(...items: ScriptItem[]): void;
  /** Forgets the script and the recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

// Behaviour builders -------------------------------------------------------------------------------------------

export const jsonAnswer = (answer: unknown, options: Omit<Extract<FakeBehaviour, { kind: 'json' }>, 'kind' | 'answer'> = {}): FakeBehaviour => ({ kind: 'json', answer, ...options });

export const toolCallAnswer = (answer: unknown): FakeBehaviour => ({ kind: 'tool_call', answer });

export const textAnswer = (text: string): FakeBehaviour => ({ kind: 'text', text });

/** HTTP 429 as OpenAI and vLLM send it, with a `retry-after` header when given. */
export const rateLimited = (retryAfterSeconds?: number): FakeBehaviour => ({
  kind: 'error',
  status: 429,
  type: 'requests',
  code: 'rate_limit_exceeded',
  message: 'Rate limit reached for requests. Please try again later.',
  ...(retryAfterSeconds !== undefined ? { headers: { 'retry-after': String(retryAfterSeconds) } } : {}),
});

/** OpenAI's "exceeded your current quota": a 429 that waiting does not fix. */
export const quotaExceeded = (): FakeBehaviour => ({
  kind: 'error',
  status: 429,
  type: 'insufficient_quota',
  code: 'insufficient_quota',
  message: 'You exceeded your current quota, please check your plan and billing details.',
});

export const serverError = (): FakeBehaviour => ({ kind: 'error', status: 500, type: 'server_error', message: 'The server had an error while processing your request.' });

export const badRequest = (message = "This model's maximum context length is 8192 tokens.", param?: string): FakeBehaviour => ({
  kind: 'error',
  status: 400,
  type: 'invalid_request_error',
  message,
  ...(param ? { param } : {}),
});

// The server ---------------------------------------------------------------------------------------------------

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);
const estimate = (value: unknown): number => Math.ceil(JSON.stringify(value ?? '').length / 4);

export async function startFakeOpenAi(options: FakeOpenAiOptions = {}): Promise<FakeOpenAi> {
  const models = options.models ?? ['llama3.1:8b'];
  const requests: RecordedRequest[] = [];
  let queue: ScriptItem[] = [];

  const server = recordingServer(requests, (request, res) => answer(request, res));

  const sendError = (res: http.ServerResponse, status: number, type: string, message: string, extra: { code?: string; param?: string; headers?: Record<string, string> } = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_${randomBytes(12).toString('hex')}`, ...extra.headers });
    res.end(JSON.stringify({ error: { message, type, param: extra.param ?? null, code: extra.code ?? null } }));
  };

  function answer(request: RecordedRequest, res: http.ServerResponse): void {
    if (options.apiKey && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendError(res, 401, 'invalid_request_error', 'Incorrect API key provided.', { code: 'invalid_api_key' });
    }
    if (request.method === 'GET' && request.path === '/v1/models') return listModels(res);
    if (request.method !== 'POST' || request.path !== '/v1/chat/completions') return sendError(res, 404, 'invalid_request_error', `Unknown request URL: ${request.method} ${request.path}`);
    const problem = validate(request.body);
    if (problem) return sendError(res, 400, 'invalid_request_error', problem.message, { param: problem.param });
    if (!models.includes(request.body.model)) return sendError(res, 404, 'api_error', `model "${request.body.model}" not found, try pulling it first`);
    if (options.rejectResponseFormat && request.body.response_format) {
      return sendError(res, 400, 'invalid_request_error', 'Unrecognized request argument supplied: response_format', { param: 'response_format' });
    }
    const next = queue.shift();
    if (!next) return sendError(res, 500, 'server_error', `fake OpenAI: nothing scripted for request #${requests.length}`);
    reply(request, res, typeof next === 'function' ? next(request) : next);
  }

  function listModels(res: http.ServerResponse): void {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data: models.map((id) => ({ id, object: 'model', created: 1_764_000_000, owned_by: 'library' })) }));
  }

  function reply(request: RecordedRequest, res: http.ServerResponse, behaviour: FakeBehaviour): void {
    if (behaviour.kind === 'hang') return;
    if (behaviour.kind === 'drop') {
      res.socket?.destroy();
      return;
    }
    if (behaviour.kind === 'error') return sendError(res, behaviour.status, behaviour.type, behaviour.message, behaviour);
    const message = messageFor(behaviour);
    const finishReason = behaviour.kind === 'tool_call' ? 'tool_calls' : behaviour.kind === 'json' ? (behaviour.finishReason ?? 'stop') : 'stop';
    const promptTokens = estimate(request.body.messages);
    const completionTokens = estimate(message);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: `chatcmpl-${randomBytes(12).toString('hex')}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: behaviour.kind === 'json' && behaviour.model ? behaviour.model : request.body.model,
        system_fingerprint: 'fp_fake',
        choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
        usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
      }),
    );
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...items) => void queue.push(...items),
    reset: () => {
      queue = [];
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function messageFor(behaviour: Extract<FakeBehaviour, { kind: 'json' | 'tool_call' | 'text' }>): Record<string, unknown> {
  if (behaviour.kind === 'text') return { role: 'assistant', content: behaviour.text, refusal: null };
  const json = JSON.stringify(behaviour.answer);
  if (behaviour.kind === 'tool_call') {
    return {
      role: 'assistant',
      content: null,
      refusal: null,
      tool_calls: [{ id: `call_${randomBytes(8).toString('hex')}`, type: 'function', function: { name: 'record_meeting_summary', arguments: json } }],
    };
  }
  const content = behaviour.wrap === 'fence' ? `Here is the summary:\n\`\`\`json\n${json}\n\`\`\`` : behaviour.wrap === 'think' ? `<think>\nThe meeting is about {the launch}.\n</think>\n${json}` : json;
  return { role: 'assistant', content, refusal: null };
}

/** The request checks of a chat completions server that a summarizer can trip over. */
function validate(body: any): { message: string; param?: string } | undefined {
  if (!body || typeof body !== 'object') return { message: 'We could not parse the JSON body of your request.' };
  if (typeof body.model !== 'string' || !body.model) return { message: 'you must provide a model parameter', param: 'model' };
  if (!Array.isArray(body.messages) || body.messages.length === 0) return { message: "'messages' must contain at least one message", param: 'messages' };
  for (const [index, message] of body.messages.entries()) {
    if (!ROLES.has(message?.role)) return { message: `Invalid value for 'messages[${index}].role'`, param: `messages[${index}].role` };
    if (typeof message.content !== 'string' || message.content === '') return { message: `'messages[${index}].content' must be a non-empty string`, param: `messages[${index}].content` };
  }
  const format = body.response_format;
  if (format !== undefined) {
    if (!['text', 'json_object', 'json_schema'].includes(format?.type)) return { message: "Invalid value for 'response_format.type'", param: 'response_format.type' };
    if (format.type === 'json_schema') {
      if (!/^[a-zA-Z0-9_-]{1,64}$/.test(format.json_schema?.name ?? '')) return { message: "Missing required parameter: 'response_format.json_schema.name'", param: 'response_format.json_schema.name' };
      if (format.json_schema.schema?.type !== 'object') return { message: "Invalid schema for response_format: the root must be of type 'object'", param: 'response_format.json_schema.schema' };
    }
  }
  if (body.temperature !== undefined && (typeof body.temperature !== 'number' || body.temperature < 0 || body.temperature > 2)) {
    return { message: "Invalid 'temperature': must be between 0 and 2", param: 'temperature' };
  }
  return undefined;
}
