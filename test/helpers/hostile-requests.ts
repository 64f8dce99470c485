import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { connect } from 'node:net';

/**
 * Hostile requests for every route of the API, generated with fast-check (seeded, so a run can be replayed):
 * NUL bytes, over-long strings, extreme dates, forged cursors, unusual methods, wrong JSON types and huge declared
 * lengths. Sent over a raw socket, since fetch refuses TRACE, CONNECT and a Content-Length that lies.
 * Shared by test/integration/api/hostile-routes.test.ts (a few hundred) and bench/hostile.ts (10,000 and more).
 */

export interface HostileRequest {
  method: string;
  /** Path and query string, already encoded (or deliberately not). */
  target: string;
  headers: Record<string, string>;
  body?: string;
  /** Whose session goes in the Authorization header. */
  as: 'nobody' | 'user' | 'admin' | 'forged';
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A route as /openapi.json lists it (method, templated path, the names it takes), or one served beside the registry. */
export interface RouteShape {
  method: string;
  path: string;
  query: string[];
  body: string[];
}

/** The routes outside the registry (pages, webhooks, probes, docs): /openapi.json does not list them. */
export const ROUTES_BESIDE_THE_REGISTRY: RouteShape[] = [
  { method: 'POST', path: '/webhooks/livekit', query: [], body: ['event', 'id', 'createdAt', 'room', 'participant', 'egressInfo'] },
  { method: 'GET', path: '/login', query: ['next'], body: [] },
  { method: 'POST', path: '/login', query: [], body: ['email', 'password', 'next'] },
  { method: 'POST', path: '/logout', query: [], body: [] },
  { method: 'GET', path: '/meetings/{id}/room', query: [], body: [] },
  { method: 'GET', path: '/meetings/{id}/room/token', query: [], body: [] },
  { method: 'GET', path: '/meetings/{id}/notes', query: [], body: [] },
  { method: 'POST', path: '/meetings/{id}/notes/action-items/{itemId}/done', query: [], body: [] },
  { method: 'GET', path: '/home', query: [], body: [] },
  { method: 'GET', path: '/home/action-items', query: [], body: [] },
  { method: 'GET', path: '/assets/notes.js', query: [], body: [] },
  { method: 'GET', path: '/assets/meetflow.css', query: [], body: [] },
  { method: 'GET', path: '/health', query: [], body: [] },
  { method: 'GET', path: '/ready', query: [], body: [] },
  { method: 'GET', path: '/docs', query: [], body: [] },
  { method: 'GET', path: '/docs/{file}', query: [], body: [] },
  { method: 'GET', path: '/metrics', query: [], body: [] },
  { method: 'GET', path: '/openapi.json', query: [], body: [] },
];

interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }>>;
}

/** Every route: what /openapi.json lists (so a new route is covered the day it is added), and the ones beside it. */
export function routesOf(openApi: OpenApiDocument): RouteShape[] {
  const listed = Object.entries(openApi.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      query: (operation.parameters ?? []).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name),
      body: Object.keys(operation.requestBody?.content['application/json']?.schema.properties ?? {}),
    })),
  );
  return [...listed, ...ROUTES_BESIDE_THE_REGISTRY];
}

/** encodeURIComponent, which throws on a lone surrogate: that one goes as U+FFFD (the raw bytes go in the body tests). */
const encode = (value: string) => encodeURIComponent(value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));

const base64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export const NUL_STRINGS = ['\u0000', 'a\u0000b', 'Budget review\u0000', '\u0000\u0000\u0000'];
export const LONG_STRINGS = [256, 321, 501, 5_001, 60_000].map((length) => 'x'.repeat(length));
export const LONG_EMAILS = [`${'a'.repeat(320)}@example.test`, `${'b'.repeat(64)}@${'c'.repeat(250)}.test`, `a\u0000b@example.test`];
export const EXTREME_DATES = [
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '1969-12-31T23:59:59Z',
  '9999-12-31T23:59:59-23:59',
  '2026-12-03T14:00:00-23:59',
  '2026-12-03T14:00:00+15:00',
  '275760-09-13T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  '-000001-01-01T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '2026-13-45T99:99:99Z',
  '9999-12-31T23:59:59.999Z',
];
export const FORGED_CURSORS = [
  base64url({ start: 'x', id: 'y' }),
  base64url(['x', 'y']),
  base64url({ start: 1, id: [] }),
  base64url({ start: '0000-01-01T00:00:00Z', id: '00000000-0000-0000-0000-000000000000' }),
  base64url(['275760-09-13T00:00:00Z', '00000000-0000-0000-0000-000000000000']),
  base64url(['2026-01-01T00:00:00Z', 'not-a-uuid']),
  base64url({ start: '', id: "'; drop table rooms; --" }),
  base64url('null'),
  base64url('"just a string"'),
  base64url({ start: 'a\u0000b', id: '\u0000' }),
  '!!!not base64!!!',
  'e30',
  '%00',
  'x'.repeat(5_000),
];
export const UNUSUAL_METHODS = ['TRACE', 'TRACK', 'CONNECT', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'SEARCH', 'PURGE', 'QUERY', 'XYZZY', 'G\u0000T', 'GET /x'];
/**
 * Declared lengths over every route's limit (1 MB, UPLOAD_MAX_MB), with a tiny body. (One within a limit but longer
 * than the body sent is a client still sending: any server waits for it, until its request timeout.)
 */
export const HUGE_LENGTHS = ['10737418240', String(2 ** 40), '99999999999999999999', String(Number.MAX_SAFE_INTEGER)];

const oddStrings = fc.constantFrom("'; drop table users; --", '<script>alert(1)</script>', '../../etc/passwd', '\uD800', '\u202Eevil', '🙂'.repeat(100), '', ' ', 'NaN', '-1', '1e309', 'null', '{}', '[]', 'true');
const hostileString = fc.oneof(fc.constantFrom(...NUL_STRINGS), fc.constantFrom(...LONG_STRINGS), fc.constantFrom(...LONG_EMAILS), fc.constantFrom(...EXTREME_DATES), oddStrings, fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }));
const wrongType = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}), fc.array(hostileString, { maxLength: 3 }), fc.dictionary(hostileString, hostileString, { maxKeys: 3 }));
const hostileValue: fc.Arbitrary<unknown> = fc.oneof({ weight: 5, arbitrary: hostileString }, { weight: 3, arbitrary: wrongType }, { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) });
/** JSON nested deeper than a recursive reader's stack (written as text: JSON.stringify itself would overflow). */
const deepJson = fc.tuple(fc.integer({ min: 50, max: 100_000 }), fc.constantFrom('[', '{"title":')).map(([depth, open]) => open.repeat(depth) + '1' + (open === '[' ? ']' : '}').repeat(depth));

/** Plausible values for the fields routes take, so a request often gets past the first check and reaches the next. */
function plausible(name: string, known: KnownIds): fc.Arbitrary<unknown> {
  const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
  const table: Record<string, fc.Arbitrary<unknown>> = {
    email: fc.constantFrom(known.email, 'someone@example.test'),
    password: fc.constant('correct horse battery'),
    name: fc.constant('Hostile Harry'),
    title: fc.constant('Hostile planning'),
    start: fc.constant(inAnHour),
    from: fc.constant('2026-01-01T00:00:00Z'),
    to: fc.constant('2027-01-01T00:00:00Z'),
    invitees: fc.constant(['guest@example.test']),
    tags: fc.constant(['planning']),
    settings: fc.record({ language: fc.constantFrom('en', 'de', 'a\u0000b'), reminderMinutesBefore: fc.constant(0) }, { requiredKeys: [] }),
    reason: fc.constant('no longer needed'),
    q: fc.constant('budget review'),
    limit: fc.constantFrom('5', 5),
    tag: fc.constant('planning'),
    cursor: fc.constantFrom(...FORGED_CURSORS),
    status: fc.constantFrom('open', 'waiting'),
    durationMinutes: fc.constant(30),
  };
  return Object.hasOwn(table, name) ? table[name] : hostileValue;
}

export interface KnownIds {
  /** A meeting the signed-in user hosts, so {id} routes reach their handlers. */
  meetingId: string;
  email: string;
}

const pathValue = (name: string, known: KnownIds): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: name === 'id' ? fc.constantFrom(known.meetingId, '00000000-0000-0000-0000-000000000000') : fc.constant('abcdefghijklmnop') },
    { weight: 3, arbitrary: hostileString.map(encode) },
    { weight: 1, arbitrary: fc.constantFrom('%00', '%', '%E0%A4%A', '..%2F..%2Fetc%2Fpasswd', 'a%00b', '%FF%FE') },
  );

const queryValue = (name: string, known: KnownIds): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 2, arbitrary: plausible(name, known).map((value) => encode(typeof value === 'string' ? value : JSON.stringify(value) ?? '')) },
    { weight: 3, arbitrary: fc.oneof(hostileString, fc.constantFrom(...EXTREME_DATES), fc.constantFrom(...FORGED_CURSORS)).map(encode) },
    { weight: 1, arbitrary: fc.constantFrom('%00', '%', '%ZZ', 'a%00b', '%FF') },
  );

function fillPath(template: string, known: KnownIds): fc.Arbitrary<string> {
  const names = [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
  return fc.tuple(...names.map((name) => pathValue(name, known))).map((values) => values.reduce((path, value, i) => path.replace(`{${names[i]}}`, value), template));
}

function queryString(route: RouteShape, known: KnownIds): fc.Arbitrary<string> {
  const names = [...route.query, 'from', 'to', 'cursor', 'q', 'tag'];
  const pairs = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...names), hostileString.map(encode)), fc.constant(null)), { maxLength: 4 });
  return pairs.chain((chosen) => (chosen.length ? fc.tuple(...chosen.map(([name]) => queryValue(name, known).map((value) => `${name}=${value}`))).map((parts) => `?${parts.join('&')}`) : fc.constant('')));
}

function jsonBody(route: RouteShape, known: KnownIds): fc.Arbitrary<string> {
  const fields = route.body.length ? route.body : ['x'];
  const object = fc.tuple(...fields.map((field) => fc.oneof(plausible(field, known), hostileValue, fc.constant(undefined)))).map((values) => Object.fromEntries(fields.map((field, i) => [field, values[i]]).filter(([, value]) => value !== undefined)));
  return fc.oneof(
    { weight: 6, arbitrary: object.map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: hostileValue.map((value) => JSON.stringify(value) ?? 'undefined') },
    { weight: 1, arbitrary: deepJson },
    { weight: 1, arbitrary: fc.constantFrom('{', '{"title": "a\\u0000b"}', '{"a":1,"a":2}', 'null', '"str"', '\u0000', '[' + '1,'.repeat(1000) + '1]') },
  );
}

const contentTypes = fc.constantFrom('application/json', 'application/json', 'application/webhook+json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'audio/ogg', undefined);

/** The value `weight` times in 12, else null. */
const sometimes = <T>(value: fc.Arbitrary<T>, weight: number) => fc.oneof({ weight: 12 - weight, arbitrary: fc.constant(null) }, { weight, arbitrary: value });

function requestFor(route: RouteShape, known: KnownIds): fc.Arbitrary<HostileRequest> {
  // Logging out for real would end the session every later request relies on.
  const as = route.path === '/auth/logout' ? fc.constantFrom<HostileRequest['as']>('nobody', 'forged') : fc.constantFrom<HostileRequest['as']>('user', 'user', 'user', 'admin', 'nobody', 'forged');
  const takesBody = !['GET', 'HEAD', 'DELETE'].includes(route.method);
  return fc
    .record({
      method: fc.oneof({ weight: 8, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'HEAD', 'OPTIONS') }, { weight: 1, arbitrary: fc.constantFrom(...UNUSUAL_METHODS) }),
      path: fillPath(route.path, known),
      query: queryString(route, known),
      body: sometimes(jsonBody(route, known), takesBody ? 6 : 1),
      contentType: contentTypes,
      hugeLength: sometimes(fc.constantFrom(...HUGE_LENGTHS), 1),
      as,
    })
    .map(({ method, path, query, body, contentType, hugeLength, as: who }) => {
      const headers: Record<string, string> = {};
      if (contentType && body !== null) headers['content-type'] = contentType;
      if (hugeLength) headers['content-length'] = hugeLength;
      return { method, target: path + query, headers, body: body ?? undefined, as: who };
    });
}

/** One hostile request for any route of the list (each route about equally often). */
export function hostileRequests(routes: RouteShape[], known: KnownIds): fc.Arbitrary<HostileRequest> {
  return fc.oneof(...routes.map((route) => requestFor(route, known)));
}

/** What must never happen: a 5xx, no answer at all, or a refusal that does not say what to fix. */
export function problemsWith(request: HostileRequest, response: RawResponse): string[] {
  const problems: string[] = [];
  if (response.status >= 500) problems.push(`answered ${response.status}`);
  if (response.status >= 400 && request.method !== 'HEAD') {
    const type = response.headers['content-type'] ?? '';
    if (type.startsWith('text/html')) {
      // The pages (sign-in, join page) answer their errors as pages, with the message in an alert.
      if (!/role="alert"/.test(response.body)) problems.push(`an HTML ${response.status} without a message`);
    } else {
      let body: { type?: string; detail?: string; errors?: { field: string }[]; code?: string } | undefined;
      try {
        body = JSON.parse(response.body) as typeof body;
      } catch {
        body = undefined;
      }
      if (!body?.type?.startsWith('urn:meetflow:problem:') || typeof body.detail !== 'string' || body.detail.length < 10) problems.push(`a ${response.status} without a problem body: ${response.body.slice(0, 120)}`);
      else if (body.code === 'validation_error' && !body.errors?.every((error) => typeof error.field === 'string' && error.field.length > 0)) problems.push(`a validation_error that names no field: ${body.detail}`);
    }
  }
  return problems;
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const end = body.indexOf('\r\n', at);
    if (end < 0) break;
    const size = parseInt(body.subarray(at, end).toString('latin1'), 16);
    if (!size) break;
    parts.push(body.subarray(end + 2, end + 2 + size));
    at = end + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** Every request sendRaw sends carries an `x-request-id` starting with this. */
export const HOSTILE_REQUEST_ID_PREFIX = 'hostile-';

/**
 * Sends one request over a fresh connection, bytes exactly as given (a Content-Length that lies, a NUL in the
 * method), and reads the answer until the server closes. No answer within timeoutMs is status 0.
 */
export function sendRaw(url: string, request: HostileRequest, tokens: Record<HostileRequest['as'], string | undefined>, timeoutMs = 15_000): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
  // The request id the API writes into every audit row: what a request wrote can be told from what others did.
  const headers: Record<string, string> = { host: `${hostname}:${port}`, connection: 'close', 'x-request-id': `${HOSTILE_REQUEST_ID_PREFIX}${randomUUID()}`, ...request.headers };
  const token = tokens[request.as];
  if (token) headers.authorization = `Bearer ${token}`;
  if (body && !headers['content-length']) headers['content-length'] = String(body.length);
  const head = `${request.method} ${request.target} HTTP/1.1\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n')}\r\n\r\n`;
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const raw = Buffer.concat(chunks);
      const split = raw.indexOf('\r\n\r\n');
      if (split < 0) return resolve({ status: 0, headers: {}, body: raw.toString('utf8') });
      const [statusLine, ...lines] = raw.subarray(0, split).toString('latin1').split('\r\n');
      const responseHeaders = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      const rest = raw.subarray(split + 4);
      const text = (responseHeaders['transfer-encoding'] === 'chunked' ? dechunk(rest) : rest).toString('utf8');
      resolve({ status: Number(statusLine.split(' ')[1]) || 0, headers: responseHeaders, body: text });
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', finish);
    socket.on('error', () => undefined);
    socket.write(Buffer.from(head, 'latin1'));
    if (body) socket.write(body);
  });
}

/** Statuses by class, for the figures: { '2xx': n, '4xx': n, ... }, and '0xx' for no answer. */
export function countByClass(statuses: number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const status of statuses) counts[`${Math.floor(status / 100)}xx`] = (counts[`${Math.floor(status / 100)}xx`] ?? 0) + 1;
  return counts;
}
