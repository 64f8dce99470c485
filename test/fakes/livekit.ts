/**
 * A protocol-level stand-in for LiveKit's Egress API only: rooms, participants, join tokens and their webhooks come
 * from a real livekit-server (test/helpers/livekit-server.ts), but Egress (the recorder service it forwards
 * recording calls to) cannot be installed here. A real HTTP server on 127.0.0.1 answers the Twirp (JSON) routes
 *   POST /twirp/livekit.Egress/{StartRoomCompositeEgress,StopEgress,ListEgress}
 * the way livekit-server does:
 *   - `Authorization: Bearer <JWT>`, HS256 with the API secret, `iss` = the API key, `exp` required (checked here
 *     with node:crypto, independently of the SDK's jose); then the `roomRecord` grant. Every refusal is a 401 with
 *     Twirp's `{"code":"unauthenticated","msg":...}`.
 *   - requests are protobuf-JSON, read with @livekit/protocol's generated types (unknown fields ignored, as Twirp's
 *     Go server does); answers are protobuf-JSON written by hand the way Go's protojson writes them (camelCase,
 *     int64 as strings, enums by name, default values left out), and each is checked against the generated type
 *     (strictly) before it is sent, so a shape error here fails the test rather than passing silently.
 *   - errors are Twirp JSON with `Content-Type: application/json` and the HTTP status of the code.
 *   - a recording of a room the real server does not have is `not_found`, as LiveKit answers (`roomExists`).
 * State (egresses) is in memory; tests finish egresses, script failures, and read the recorded calls. The egress
 * webhooks (egress_started, egress_ended) are built and signed here, as the real server would send them.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EgressInfo, ListEgressRequest, ListEgressResponse, RoomCompositeEgressRequest, StopEgressRequest, WebhookEvent } from '@livekit/protocol';

export type EgressStatusName =
  | 'EGRESS_STARTING'
  | 'EGRESS_ACTIVE'
  | 'EGRESS_ENDING'
  | 'EGRESS_COMPLETE'
  | 'EGRESS_FAILED'
  | 'EGRESS_ABORTED'
  | 'EGRESS_LIMIT_REACHED';

const ENDED: EgressStatusName[] = ['EGRESS_COMPLETE', 'EGRESS_FAILED', 'EGRESS_ABORTED', 'EGRESS_LIMIT_REACHED'];

export interface FakeFileResult {
  filename: string;
  size: number;
  durationSeconds: number;
  location?: string;
}

export interface FakeEgress {
  egressId: string;
  roomId: string;
  roomName: string;
  status: EgressStatusName;
  /** Unix nanoseconds, as LiveKit keeps them (0 = not yet). */
  startedAt: bigint;
  endedAt: bigint;
  updatedAt: bigint;
  /** The RoomCompositeEgressRequest as received (protobuf-JSON), upload credentials redacted. */
  request: Record<string, unknown>;
  /** The first file output's path, as requested. */
  filepath: string;
  audioOnly: boolean;
  result?: FakeFileResult;
  error?: string;
}

export interface RecordedCall {
  service: 'RoomService' | 'Egress' | string;
  method: string;
  /** The request body, parsed (protobuf-JSON as the client sent it). */
  body: any;
  /** The `video` grant of the bearer token, when one verified. */
  grant?: Record<string, unknown>;
  /** The HTTP status the fake answered with (0 when it dropped the connection). */
  status: number;
  /** The Twirp error code, for errors. */
  code?: string;
}

export type FakeFailure = { status: number; code: string; msg?: string } | 'reset';

export interface FakeEgressService {
  /** `http://127.0.0.1:<port>`: the provider's `egressUrl`. */
  url: string;
  port: number;
  calls: RecordedCall[];
  egresses: Map<string, FakeEgress>;
  /** The egress finishes (completes unless told otherwise) with this file. */
  finishEgress(egressId: string, outcome?: { status?: EgressStatusName; size?: number; durationSeconds?: number; location?: string; error?: string }): FakeEgress;
  /** The next `count` calls fail: 503 Twirp `unavailable` unless told otherwise; `'reset'` drops the connection. */
  failNext(count: number, failure?: FakeFailure): void;
  close(): Promise<void>;
}

const TWIRP_STATUS: Record<string, number> = {
  canceled: 408,
  invalid_argument: 400,
  malformed: 400,
  deadline_exceeded: 408,
  not_found: 404,
  bad_route: 404,
  already_exists: 409,
  permission_denied: 403,
  unauthenticated: 401,
  resource_exhausted: 429,
  failed_precondition: 412,
  aborted: 409,
  out_of_range: 400,
  unimplemented: 501,
  internal: 500,
  unavailable: 503,
  dataloss: 500,
};

class TwirpFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** LiveKit ids: a prefix and 12 base62 characters (RM_, PA_, EG_, EV_). */
export const livekitId = (prefix: string) => prefix + Array.from(randomBytes(12), (byte) => BASE62[byte % 62]).join('');

const nowNanos = () => BigInt(Date.now()) * 1_000_000n;
const dateNanos = (date: Date) => BigInt(date.getTime()) * 1_000_000n;
const seconds = (date: Date) => String(Math.floor(date.getTime() / 1000));

/** Go's protojson leaves out fields that hold their default value. */
function compact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === '' || value === 0 || value === false || value === '0') continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[key] = value;
  }
  return out;
}

function fileInfoJson(egress: Pick<FakeEgress, 'startedAt' | 'endedAt'>, result: FakeFileResult): Record<string, unknown> {
  return compact({
    filename: result.filename,
    startedAt: String(egress.startedAt),
    endedAt: String(egress.endedAt),
    duration: String(BigInt(Math.round(result.durationSeconds * 1000)) * 1_000_000n),
    size: String(result.size),
    location: result.location,
  });
}

function egressJson(egress: FakeEgress, options: { legacyFile?: boolean } = {}): Record<string, unknown> {
  const file = egress.result ? fileInfoJson(egress, egress.result) : undefined;
  return compact({
    egressId: egress.egressId,
    roomId: egress.roomId,
    roomName: egress.roomName,
    status: egress.status === 'EGRESS_STARTING' ? undefined : egress.status,
    startedAt: String(egress.startedAt),
    endedAt: String(egress.endedAt),
    updatedAt: String(egress.updatedAt),
    roomComposite: egress.request,
    fileResults: file ? [file] : [],
    error: egress.error,
    file: options.legacyFile ? file : undefined,
  });
}

/** Upload credentials do not come back in answers. */
function redact(request: Record<string, unknown>): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(request)) as Record<string, any>;
  const outputs = [...(Array.isArray(copy.fileOutputs) ? copy.fileOutputs : []), ...(copy.file ? [copy.file] : [])];
  for (const output of outputs) {
    if (output.s3) for (const key of ['accessKey', 'access_key', 'secret']) if (output.s3[key]) output.s3[key] = '{redacted}';
    if (output.gcp?.credentials) output.gcp.credentials = '{redacted}';
  }
  return copy;
}

interface Claims {
  iss?: string;
  exp?: number;
  nbf?: number;
  video?: Record<string, unknown>;
}

const LEEWAY_SECONDS = 60;

/** Verifies an HS256 JWT the way LiveKit does (go-jose: signature, issuer = a known key, exp/nbf with 1 min leeway). */
function verifyToken(token: string, apiKey: string, apiSecret: string): Claims {
  const parts = token.split('.');
  if (parts.length !== 3) throw new TwirpFailure('unauthenticated', 'invalid authorization token');
  let header: { alg?: string };
  let claims: Claims;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    throw new TwirpFailure('unauthenticated', 'invalid authorization token');
  }
  if (header.alg !== 'HS256') throw new TwirpFailure('unauthenticated', 'invalid authorization token');
  if (claims.iss !== apiKey) throw new TwirpFailure('unauthenticated', `invalid API key: ${claims.iss ?? ''}`);
  const expected = createHmac('sha256', apiSecret).update(`${parts[0]}.${parts[1]}`).digest();
  const signature = Buffer.from(parts[2], 'base64url');
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
    throw new TwirpFailure('unauthenticated', 'invalid token: go-jose/go-jose: error in cryptographic primitive');
  }
  const now = Date.now() / 1000;
  if (typeof claims.exp !== 'number') throw new TwirpFailure('unauthenticated', 'invalid token: missing exp');
  if (claims.exp + LEEWAY_SECONDS < now) throw new TwirpFailure('unauthenticated', 'invalid token: go-jose/go-jose/jwt: validation failed, token is expired (exp)');
  if (typeof claims.nbf === 'number' && claims.nbf - LEEWAY_SECONDS > now) {
    throw new TwirpFailure('unauthenticated', 'invalid token: go-jose/go-jose/jwt: validation failed, token not valid yet (nbf)');
  }
  return claims;
}

/** The message types' strict JSON readers, to check an answer before it goes out. */
const ANSWER_TYPES: Record<string, { fromJson(json: any): unknown }> = {
  'Egress/StartRoomCompositeEgress': EgressInfo,
  'Egress/StopEgress': EgressInfo,
  'Egress/ListEgress': ListEgressResponse,
};

export interface FakeEgressOptions {
  apiKey: string;
  apiSecret: string;
  /** The room's sid when the LiveKit server has a room of that name (StartRoomCompositeEgress needs one). */
  roomSid?: (roomName: string) => Promise<string | undefined>;
}

export async function startFakeEgress(options: FakeEgressOptions): Promise<FakeEgressService> {
  const calls: RecordedCall[] = [];
  const egresses = new Map<string, FakeEgress>();
  const failures: FakeFailure[] = [];
  const roomSid = options.roomSid ?? (async () => livekitId('RM_'));

  function endEgress(egress: FakeEgress, outcome: { status?: EgressStatusName; size?: number; durationSeconds?: number; location?: string; error?: string } = {}) {
    const ended = nowNanos();
    egress.status = outcome.status ?? (outcome.error ? 'EGRESS_FAILED' : 'EGRESS_COMPLETE');
    if (egress.startedAt === 0n) egress.startedAt = ended;
    egress.endedAt = ended;
    egress.updatedAt = ended;
    egress.error = outcome.error;
    const duration = outcome.durationSeconds ?? Number((ended - egress.startedAt) / 1_000_000n) / 1000;
    egress.result = { filename: egress.filepath, size: outcome.size ?? 0, durationSeconds: duration, location: outcome.location };
  }

  function grantFor(claims: Claims | undefined): Record<string, any> {
    // A request without a token gets through the middleware with no grants; the service then refuses it.
    if (!claims?.video) throw new TwirpFailure('unauthenticated', 'permissions denied');
    return claims.video;
  }

  const handlers: Record<string, (body: unknown, claims: Claims | undefined) => Promise<Record<string, unknown>> | Record<string, unknown>> = {
    async 'Egress/StartRoomCompositeEgress'(body, claims) {
      if (!grantFor(claims).roomRecord) throw new TwirpFailure('unauthenticated', 'permissions denied');
      const request = RoomCompositeEgressRequest.fromJson(body as any, { ignoreUnknownFields: true });
      const sid = await roomSid(request.roomName);
      if (!sid) throw new TwirpFailure('not_found', 'requested room does not exist');
      const file = request.fileOutputs[0] ?? (request.output.case === 'file' ? request.output.value : undefined);
      if (!file && request.streamOutputs.length === 0 && request.segmentOutputs.length === 0 && request.output.case === undefined) {
        throw new TwirpFailure('invalid_argument', 'no outputs provided');
      }
      const now = nowNanos();
      const egress: FakeEgress = {
        egressId: livekitId('EG_'),
        roomId: sid,
        roomName: request.roomName,
        status: 'EGRESS_STARTING',
        startedAt: 0n,
        endedAt: 0n,
        updatedAt: now,
        request: redact(body as Record<string, unknown>),
        filepath: file?.filepath ?? '',
        audioOnly: request.audioOnly,
      };
      egresses.set(egress.egressId, egress);
      const answer = egressJson(egress);
      egress.status = 'EGRESS_ACTIVE';
      egress.startedAt = now;
      return answer;
    },
    'Egress/StopEgress'(body, claims) {
      if (!grantFor(claims).roomRecord) throw new TwirpFailure('unauthenticated', 'permissions denied');
      const request = StopEgressRequest.fromJson(body as any, { ignoreUnknownFields: true });
      const egress = egresses.get(request.egressId);
      if (!egress) throw new TwirpFailure('not_found', 'egress not found');
      if (egress.status === 'EGRESS_ENDING' || ENDED.includes(egress.status)) {
        throw new TwirpFailure('failed_precondition', `egress with status ${egress.status} cannot be stopped`);
      }
      egress.status = 'EGRESS_ENDING';
      egress.updatedAt = nowNanos();
      return egressJson(egress);
    },
    'Egress/ListEgress'(body, claims) {
      if (!grantFor(claims).roomRecord) throw new TwirpFailure('unauthenticated', 'permissions denied');
      const request = ListEgressRequest.fromJson(body as any, { ignoreUnknownFields: true });
      const items = [...egresses.values()].filter(
        (egress) =>
          (!request.roomName || egress.roomName === request.roomName) &&
          (!request.egressId || egress.egressId === request.egressId) &&
          (!request.active || !ENDED.includes(egress.status)),
      );
      return compact({ items: items.map((egress) => egressJson(egress)) });
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const match = /^\/twirp\/livekit\.([A-Za-z]+)\/([A-Za-z]+)$/.exec(req.url ?? '');
    const call: RecordedCall = { service: match?.[1] ?? '', method: match?.[2] ?? req.url ?? '', body: undefined, status: 0 };
    calls.push(call);
    try {
      call.body = raw ? JSON.parse(raw) : {};
    } catch {
      call.body = raw;
    }

    const failure = failures.shift();
    if (failure === 'reset') {
      req.socket.destroy();
      return;
    }
    const send = (status: number, payload: unknown, code?: string) => {
      call.status = status;
      call.code = code;
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    const fail = (code: string, msg: string) => send(TWIRP_STATUS[code] ?? 500, { code, msg }, code);
    if (failure) return fail(failure.code, failure.msg ?? 'service unavailable');

    const key = match ? `${match[1]}/${match[2]}` : '';
    const handler = handlers[key];
    if (req.method !== 'POST' || !handler) return fail('bad_route', `no handler for path "${req.url}"`);
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return fail('bad_route', `unexpected Content-Type: "${req.headers['content-type'] ?? ''}"`);
    if (typeof call.body !== 'object') return fail('malformed', 'the json request could not be decoded');

    try {
      let claims: Claims | undefined;
      const authorization = req.headers.authorization;
      if (authorization) {
        if (!authorization.startsWith('Bearer ')) throw new TwirpFailure('unauthenticated', 'invalid authorization header. Must start with Bearer ');
        claims = verifyToken(authorization.slice('Bearer '.length), options.apiKey, options.apiSecret);
        call.grant = claims.video;
      }
      const answer = await handler(call.body, claims);
      try {
        ANSWER_TYPES[key].fromJson(answer);
      } catch (error) {
        return fail('internal', `the fake built an invalid ${key} answer: ${(error as Error).message}`);
      }
      send(200, answer);
    } catch (error) {
      if (error instanceof TwirpFailure) return fail(error.code, error.message);
      return fail('malformed', (error as Error).message);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ code: 'internal', msg: String(error) }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    calls,
    egresses,
    finishEgress(egressId, outcome) {
      const egress = egresses.get(egressId);
      if (!egress) throw new Error(`no egress ${egressId}`);
      endEgress(egress, outcome);
      return egress;
    },
    failNext(count, failure = { status: 503, code: 'unavailable', msg: 'service unavailable' }) {
      for (let i = 0; i < count; i++) failures.push(failure);
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Webhooks, as livekit-server sends them (protocol/webhook: ResourceURLNotifier.send):
//   body    = protojson.Marshal(WebhookEvent)  — camelCase, int64 as strings, enums by name, defaults left out
//   header  Authorization: <JWT>              — no "Bearer"; HS256 with the API secret, typ JWT,
//             claims { iss: apiKey, nbf: now, exp: now + 5 min, sha256: base64(SHA-256(body)) }
//   header  Content-Type: application/webhook+json
// ---------------------------------------------------------------------------------------------------------------

export const WEBHOOK_CONTENT_TYPE = 'application/webhook+json';

/**
 * The `Authorization` header value LiveKit puts on a webhook with this body: what protocol's `auth.AccessToken`
 * builds with `SetValidFor(5 min).SetSha256(b64)`. Signed with node:crypto (HS256) so it stays synchronous; the
 * SDK's WebhookReceiver (jose) verifies it.
 */
export function signWebhook(body: string, apiKey: string, apiSecret: string, options: { now?: Date; validForSeconds?: number } = {}): string {
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const header = { alg: 'HS256', typ: 'JWT' };
  const claims = { exp: now + (options.validForSeconds ?? 300), iss: apiKey, nbf: now, sha256: createHash('sha256').update(body, 'utf8').digest('base64') };
  const encode = (part: object) => Buffer.from(JSON.stringify(part), 'utf8').toString('base64url');
  const signingInput = `${encode(header)}.${encode(claims)}`;
  return `${signingInput}.${createHmac('sha256', apiSecret).update(signingInput).digest('base64url')}`;
}

/** The webhooks only Egress causes (the real server sends the room and participant ones). */
export type EgressWebhookName = 'egress_started' | 'egress_ended';

export interface WebhookEgressFields {
  egressId: string;
  roomName: string;
  roomId?: string;
  /** EGRESS_ACTIVE for egress_started and EGRESS_COMPLETE for egress_ended (EGRESS_FAILED when `error` is set), unless told. */
  status?: EgressStatusName;
  startedAt?: Date;
  endedAt?: Date;
  /** The file output as requested (the request echoed in `roomComposite`). */
  filepath?: string;
  audioOnly?: boolean;
  /** The file written; defaults to `filepath` with size 0 and the egress's duration on egress_ended. */
  file?: Partial<FakeFileResult>;
  error?: string;
  /** Also fill the deprecated `file` result (LiveKit does when the request used the legacy `file` output). */
  legacyFile?: boolean;
}

export interface WebhookFields {
  egress: WebhookEgressFields;
  /** Event id (`EV_…` by default). */
  id?: string;
  createdAt?: Date;
}

/** The JSON body of an egress webhook, exactly as LiveKit sends it (field order as in the .proto, as Go's protojson writes). */
export function webhookEvent(event: EgressWebhookName, fields: WebhookFields): string {
  const createdAt = fields.createdAt ?? new Date();
  const e = fields.egress;
  const ended = event === 'egress_ended';
  const startedAt = e.startedAt ?? createdAt;
  const endedAt = ended ? (e.endedAt ?? createdAt) : undefined;
  const filepath = e.filepath ?? e.file?.filename ?? '';
  const egress: FakeEgress = {
    egressId: e.egressId,
    roomId: e.roomId ?? livekitId('RM_'),
    roomName: e.roomName,
    status: e.status ?? (ended ? (e.error ? 'EGRESS_FAILED' : 'EGRESS_COMPLETE') : 'EGRESS_ACTIVE'),
    startedAt: dateNanos(startedAt),
    endedAt: endedAt ? dateNanos(endedAt) : 0n,
    updatedAt: dateNanos(endedAt ?? startedAt),
    request: compact({ roomName: e.roomName, audioOnly: e.audioOnly ?? true, fileOutputs: filepath ? [{ filepath }] : [] }),
    filepath,
    audioOnly: e.audioOnly ?? true,
    error: e.error,
  };
  if (ended || e.file) {
    egress.result = {
      filename: e.file?.filename ?? filepath,
      size: e.file?.size ?? 0,
      durationSeconds: e.file?.durationSeconds ?? (endedAt ? (endedAt.getTime() - startedAt.getTime()) / 1000 : 0),
      location: e.file?.location,
    };
  }
  const json = compact({ event, egressInfo: egressJson(egress, { legacyFile: e.legacyFile }), id: fields.id ?? livekitId('EV_'), createdAt: seconds(createdAt) });
  // Checked against the generated type, strictly, like the API answers.
  WebhookEvent.fromJson(json as any);
  return JSON.stringify(json);
}
