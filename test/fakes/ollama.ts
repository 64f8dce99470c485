import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RecordedRequest, recordingServer } from './recording-server';

/*
 * A protocol-level stand-in for Ollama's own API (POST /api/chat, GET /api/tags), for tests that drive the real
 * ollama-js client through its `host`. Answers and errors have Ollama's wire shapes; each chat request takes the
 * next scripted behaviour. It checks what Ollama checks that matters here: the model (unknown ones get Ollama's
 * 404, "name" means "name:latest"), the messages, `format` (the string "json" or a JSON Schema object). And it
 * does what Ollama does with a prompt longer than the context window: the model sees only its last `num_ctx`
 * tokens (4096 when the request does not say), which drops the instructions at the start; `seen` records what
 * each request's model saw. Tokens are estimated at ~4 characters; models and memory are not emulated.
 */

export type { RecordedRequest } from './recording-server';

export type OllamaBehaviour =
  /** The answer as the message text: raw JSON, in a Markdown code fence, or after a reasoning model's <think> block. */
  | { kind: 'json'; answer: unknown; wrap?: 'fence' | 'think'; doneReason?: 'stop' | 'length' }
  | { kind: 'text'; text: string }
  | { kind: 'error'; status: number; message: string }
  | { kind: 'drop' }
  /** Never answers (until the stand-in closes). */
  | { kind: 'hang' };

export type OllamaScriptItem = OllamaBehaviour | ((request: RecordedRequest) => OllamaBehaviour);

export interface FakeOllama {
  /** As OLLAMA_HOST takes it. */
  host: string;
  requests: RecordedRequest[];
  /** For each chat request, the prompt text its model saw after Ollama's truncation to the context window. */
  seen: string[];
  script(...items: OllamaScriptItem[]): void;
  /** Forgets the script and what was recorded. */
  reset(): void;
  close(): Promise<void>;
}

export const jsonReply = (answer: unknown, options: Omit<Extract<OllamaBehaviour, { kind: 'json' }>, 'kind' | 'answer'> = {}): OllamaBehaviour => ({ kind: 'json', answer, ...options });
export const textReply = (text: string): OllamaBehaviour => ({ kind: 'text', text });
export const ollamaError = (status: number, message: string): OllamaBehaviour => ({ kind: 'error', status, message });
/** What Ollama answers when the model does not fit in memory at the asked context size. */
export const outOfMemory = (): OllamaBehaviour => ollamaError(500, 'model requires more system memory (11.2 GiB) than is available (7.6 GiB)');

/** Ollama's context window when a request does not set num_ctx (OLLAMA_CONTEXT_LENGTH's default). */
export const DEFAULT_CONTEXT_TOKENS = 4096;
const CHARS_PER_TOKEN = 4;
const ROLES = new Set(['system', 'user', 'assistant', 'tool']);

const withTag = (name: string): string => (name.includes(':') ? name : `${name}:latest`);

export async function startFakeOllama(options: { models?: string[] } = {}): Promise<FakeOllama> {
  const models = (options.models ?? ['llama3.1:8b']).map(withTag);
  const requests: RecordedRequest[] = [];
  const seen: string[] = [];
  let queue: OllamaScriptItem[] = [];

  const sendError = (res: http.ServerResponse, status: number, error: string): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ error }));
  };

  const server = recordingServer(requests, (request, res) => {
    if (request.method === 'GET' && request.path === '/api/tags') return listModels(res);
    if (request.method !== 'POST' || request.path !== '/api/chat') return sendError(res, 404, '404 page not found');
    const problem = validate(request.body);
    if (problem) return sendError(res, 400, problem);
    if (!models.includes(withTag(request.body.model))) return sendError(res, 404, `model "${request.body.model}" not found, try pulling it first`);
    const context = request.body.options?.num_ctx ?? DEFAULT_CONTEXT_TOKENS;
    const prompt = request.body.messages.map((message: { content: string }) => message.content).join('\n');
    const visible = prompt.slice(-context * CHARS_PER_TOKEN);
    seen.push(visible);
    const next = queue.shift();
    if (!next) return sendError(res, 500, `fake Ollama: nothing scripted for request #${requests.length}`);
    reply(request, res, typeof next === 'function' ? next(request) : next, Math.ceil(visible.length / CHARS_PER_TOKEN));
  });

  function listModels(res: http.ServerResponse): void {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    const details = { parent_model: '', format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '8.0B', quantization_level: 'Q4_K_M' };
    res.end(JSON.stringify({ models: models.map((name) => ({ name, model: name, modified_at: '2026-11-30T09:12:44.000Z', size: 4_920_753_328, digest: 'f'.repeat(64), details })) }));
  }

  function reply(request: RecordedRequest, res: http.ServerResponse, behaviour: OllamaBehaviour, promptTokens: number): void {
    if (behaviour.kind === 'hang') return;
    if (behaviour.kind === 'drop') {
      res.socket?.destroy();
      return;
    }
    if (behaviour.kind === 'error') return sendError(res, behaviour.status, behaviour.message);
    const content = contentOf(behaviour);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(
      JSON.stringify({
        model: request.body.model,
        created_at: new Date().toISOString(),
        message: { role: 'assistant', content },
        done: true,
        done_reason: behaviour.kind === 'json' ? (behaviour.doneReason ?? 'stop') : 'stop',
        total_duration: 5_000_000_000,
        load_duration: 20_000_000,
        prompt_eval_count: promptTokens,
        prompt_eval_duration: 3_000_000_000,
        eval_count: Math.ceil(content.length / CHARS_PER_TOKEN),
        eval_duration: 2_000_000_000,
      }),
    );
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `http://127.0.0.1:${port}`,
    requests,
    seen,
    script: (...items) => void queue.push(...items),
    reset: () => {
      queue = [];
      requests.length = 0;
      seen.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function contentOf(behaviour: Extract<OllamaBehaviour, { kind: 'json' | 'text' }>): string {
  if (behaviour.kind === 'text') return behaviour.text;
  const json = JSON.stringify(behaviour.answer);
  if (behaviour.wrap === 'fence') return `\`\`\`json\n${json}\n\`\`\``;
  if (behaviour.wrap === 'think') return `<think>\nThey talked about {the launch}.\n</think>\n${json}`;
  return json;
}

/** The request checks of Ollama's chat endpoint that a summarizer can trip over. */
function validate(body: any): string | undefined {
  if (!body || typeof body !== 'object') return 'invalid character in request body';
  if (typeof body.model !== 'string' || !body.model) return 'model is required';
  if (body.stream !== false) return 'fake Ollama: streaming is not emulated (send "stream": false)';
  if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages are required';
  for (const message of body.messages) {
    if (!ROLES.has(message?.role)) return `invalid role: ${String(message?.role)}`;
    if (typeof message.content !== 'string') return 'json: cannot unmarshal content into Go struct field Message.messages.content of type string';
  }
  const format = body.format;
  if (format !== undefined && format !== '' && format !== 'json' && !(format && typeof format === 'object' && format.type === 'object')) return `invalid format: ${JSON.stringify(format)}`;
  const numCtx = body.options?.num_ctx;
  if (numCtx !== undefined && (!Number.isInteger(numCtx) || numCtx <= 0)) return 'json: cannot unmarshal num_ctx into Go struct field Options.num_ctx of type int';
  return undefined;
}
