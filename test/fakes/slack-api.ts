import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackUser {
  id: string;
  name: string;
  real_name: string;
  tz: string;
  email?: string;
}

export interface SlackCall {
  method: string;
  args: Record<string, any>;
  /** True when this call was answered with 429. */
  rateLimited: boolean;
}

interface PostedMessage {
  channel: string;
  ts: string;
  text: string;
  blocks?: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  updated: number;
}

async function readArgs(request: IncomingMessage): Promise<Record<string, any>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if ((request.headers['content-type'] ?? '').includes('application/json')) return raw ? JSON.parse(raw) : {};
  const args: Record<string, any> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    args[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
  }
  return args;
}

/**
 * A stand-in for Slack's Web API on 127.0.0.1, answering as Slack does ({ ok, ... } JSON, 429 with Retry-After)
 * the methods Meetflow calls. The real @slack/web-api client talks to it through `slackApiUrl`.
 */
export async function startFakeSlackApi(options: { botUserId?: string } = {}) {
  const users = new Map<string, SlackUser>();
  const groups = new Map<string, string[]>();
  const calls: SlackCall[] = [];
  const messages: PostedMessage[] = [];
  const views: { method: string; userId?: string; view: any }[] = [];
  /** Users Slack refuses to message, with the error it answers (user_not_found, account_inactive, ...). */
  const unreachable = new Map<string, string>();
  const unreachableChannel = (channel: string) => unreachable.get(`U${String(channel).replace(/^D/, '')}`);
  let rateLimitRemaining = 0;
  let rateLimitedUntil = 0;
  let retryAfter = 1;
  let clock = 1_700_000_000;

  const handlers: Record<string, (args: Record<string, any>) => Record<string, unknown>> = {
    'auth.test': () => ({ user_id: options.botUserId ?? 'UBOT', team_id: 'T1', bot_id: 'B1', team: 'Meetflow Test' }),
    'users.info': (args) => {
      const user = users.get(args.user);
      if (!user) return { ok: false, error: 'user_not_found' };
      return { user: { id: user.id, name: user.name, real_name: user.real_name, tz: user.tz, tz_offset: 0, profile: { email: user.email, real_name: user.real_name, display_name: user.name, image_192: `https://avatars.test/${user.id}.png` } } };
    },
    'users.lookupByEmail': (args) => {
      const user = [...users.values()].find((candidate) => candidate.email === args.email);
      return user ? { user: { id: user.id, name: user.name, real_name: user.real_name, tz: user.tz, profile: { email: user.email } } } : { ok: false, error: 'users_not_found' };
    },
    'usergroups.users.list': (args) => {
      const members = groups.get(args.usergroup);
      return members ? { users: members } : { ok: false, error: 'no_such_subteam' };
    },
    'conversations.open': (args) => {
      const error = unreachable.get(String(args.users));
      return error ? { ok: false, error } : { channel: { id: `D${String(args.users).replace(/^U/, '')}` } };
    },
    'chat.postMessage': (args) => {
      const error = unreachableChannel(args.channel);
      if (error) return { ok: false, error };
      const ts = `${clock++}.000100`;
      messages.push({ channel: args.channel, ts, text: args.text, blocks: args.blocks, metadata: args.metadata, updated: 0 });
      return { channel: args.channel, ts, message: { text: args.text, ts } };
    },
    'chat.update': (args) => {
      const message = messages.find((m) => m.channel === args.channel && m.ts === args.ts);
      if (!message) return { ok: false, error: 'message_not_found' };
      Object.assign(message, { text: args.text, blocks: args.blocks, updated: message.updated + 1 });
      return { channel: args.channel, ts: args.ts };
    },
    'conversations.history': (args) => ({
      messages: messages
        .filter((m) => m.channel === args.channel)
        .reverse()
        .slice(0, Number(args.limit ?? 100))
        .map((m) => ({ ts: m.ts, text: m.text, ...(args.include_all_metadata && m.metadata ? { metadata: m.metadata } : {}) })),
    }),
    'views.open': (args) => {
      views.push({ method: 'views.open', view: args.view });
      return { view: { id: `V${views.length}`, ...args.view } };
    },
    'views.publish': (args) => {
      views.push({ method: 'views.publish', userId: args.user_id, view: args.view });
      return { view: { id: `V${views.length}`, ...args.view } };
    },
  };

  const responses: { path: string; body: any }[] = [];
  const server = createServer(async (request, response) => {
    if ((request.url ?? '').startsWith('/respond/')) {
      // response_url: where Bolt's respond() posts ephemeral replies to a command or a button.
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      responses.push({ path: request.url!, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      response.end('ok');
      return;
    }
    const method = (request.url ?? '').replace(/^\/api\//, '').replace(/^\//, '').split('?')[0];
    const args = await readArgs(request);
    if ((rateLimitRemaining > 0 || Date.now() < rateLimitedUntil) && method !== 'auth.test') {
      if (rateLimitRemaining > 0) rateLimitRemaining -= 1;
      calls.push({ method, args, rateLimited: true });
      response.writeHead(429, { 'Retry-After': String(retryAfter), 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    calls.push({ method, args, rateLimited: false });
    const handler = handlers[method];
    const body = handler ? { ok: true, ...handler(args) } : { ok: false, error: 'unknown_method' };
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    /** For WebClient's slackApiUrl (ends with a slash, as Slack's does). */
    url: `http://127.0.0.1:${port}/api/`,
    calls,
    messages,
    /** Replies posted to response URLs, newest last. */
    responses,
    responseUrl: (id: string) => `http://127.0.0.1:${port}/respond/${id}`,
    views,
    addUser(user: SlackUser) {
      users.set(user.id, user);
    },
    /** Every DM to this user is refused with `error`, as Slack does for a deleted or deactivated account. */
    makeUnreachable(userId: string, error = 'user_not_found') {
      unreachable.set(userId, error);
    },
    addUserGroup(id: string, members: string[]) {
      groups.set(id, members);
    },
    /** The next `count` calls answer 429 with Retry-After (seconds). */
    rateLimit(count: number, retryAfterSeconds = 1) {
      rateLimitRemaining = count;
      retryAfter = retryAfterSeconds;
    },
    /** Every call (but auth.test) answers 429 with Retry-After (seconds) for the next `ms` milliseconds: a storm. */
    rateLimitFor(ms: number, retryAfterSeconds = 1) {
      rateLimitedUntil = Date.now() + ms;
      retryAfter = retryAfterSeconds;
    },
    posted: (method = 'chat.postMessage') => calls.filter((call) => call.method === method && !call.rateLimited),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type FakeSlackApi = Awaited<ReturnType<typeof startFakeSlackApi>>;
