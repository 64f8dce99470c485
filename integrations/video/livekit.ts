import {
  AccessToken,
  EgressClient,
  EgressStatus,
  EncodedFileOutput,
  EncodedFileType,
  GCPUpload,
  ParticipantInfo_State,
  RoomServiceClient,
  S3Upload,
  ServerError,
  type EgressInfo,
  type ParticipantInfo,
  type VideoGrant,
} from 'livekit-server-sdk';
import type {
  JoinToken,
  JoinTokenRequest,
  RecordingMode,
  VideoParticipantState,
  VideoProvider,
  VideoRecordingState,
  VideoRecordingStatus,
  VideoRoomRequest,
  VideoRoomState,
} from './types';

/** Where the egress writes recordings. Without one, the egress host's own disk at the given file path. */
export type LiveKitRecordingOutput =
  /**
   * The egress host's disk. `pathTemplate` is a LiveKit filepath template: `{path}` becomes the file path given to
   * `startRecording`; LiveKit's own placeholders (`{room_name}`, `{room_id}`, `{time}`, `{utc}`) are left for the
   * egress to fill. A template without `{path}` is used as it is.
   */
  | { kind: 'file'; pathTemplate: string }
  /** Upload to S3 (or an S3-compatible store at `endpoint`); the file path is the object key. */
  | { kind: 's3'; bucket: string; region: string; accessKey: string; secret: string; endpoint?: string; forcePathStyle?: boolean }
  /** Upload to Google Cloud Storage; `credentials` is the service account JSON; the file path is the object name. */
  | { kind: 'gcs'; bucket: string; credentials: string };

export interface LiveKitOptions {
  /** LIVEKIT_URL: `ws(s)://host[:port]` or `http(s)://host[:port]`. */
  url: string;
  apiKey: string;
  apiSecret: string;
  recordingOutput?: LiveKitRecordingOutput;
  /**
   * Where the Egress (recording) API is served, when not at `url`, as `http(s)://` or `ws(s)://` (the LiveKit
   * server forwards Egress calls to its Egress service; a server without one, like the embedded one, cannot record).
   */
  egressUrl?: string;
  /** Per-request timeout of the server API, in seconds (the SDK's default is 10). */
  requestTimeoutSeconds?: number;
  /** How rooms are recorded (default egress). */
  recordingMode?: RecordingMode;
}

/**
 * A failed LiveKit server API call. `status` is the HTTP status (absent when the request never got an answer) and
 * `code` the Twirp error code. Errors that another attempt cannot fix (4xx: bad credentials, missing permission,
 * bad request) are `nonRetryable`; 5xx answers and connection errors are not, so Temporal retries the activity.
 */
export class LiveKitError extends Error {
  override readonly name = 'LiveKitError';
  readonly nonRetryable: boolean;

  constructor(
    readonly operation: string,
    readonly status: number | undefined,
    readonly code: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`LiveKit ${operation} failed${status ? ` (${status}${code ? ` ${code}` : ''})` : ''}: ${message}`, options);
    this.nonRetryable = status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
  }
}

const RECORDING_STATUS: Record<EgressStatus, VideoRecordingStatus> = {
  [EgressStatus.EGRESS_STARTING]: 'starting',
  [EgressStatus.EGRESS_ACTIVE]: 'active',
  [EgressStatus.EGRESS_ENDING]: 'ending',
  [EgressStatus.EGRESS_COMPLETE]: 'complete',
  [EgressStatus.EGRESS_FAILED]: 'failed',
  [EgressStatus.EGRESS_ABORTED]: 'aborted',
  [EgressStatus.EGRESS_LIMIT_REACHED]: 'limit_reached',
};

/** ParticipantInfo.Kind EGRESS: the recorder's own hidden participant (the SDK does not re-export the enum). */
const EGRESS_PARTICIPANT_KIND = 2;

const FILE_TYPES: Record<string, EncodedFileType> = {
  '.ogg': EncodedFileType.OGG,
  '.mp3': EncodedFileType.MP3,
  '.mp4': EncodedFileType.MP4,
  '.m4a': EncodedFileType.MP4,
};

/** Egress times are Unix nanoseconds; 0 means "not yet". */
const fromNanos = (nanos: bigint): string | undefined => (nanos > 0n ? new Date(Number(nanos / 1_000_000n)).toISOString() : undefined);

function isServerError(error: unknown, ...codes: string[]): boolean {
  return error instanceof ServerError && (codes.includes(error.code ?? '') || (codes.includes('not_found') && error.status === 404));
}

/**
 * Video rooms on LiveKit, through the official server SDK (Twirp over HTTP). Rooms are named by Meetflow; the
 * provider never retries on its own beyond what the SDK does by default (region failover, LiveKit Cloud only):
 * the Temporal activity that calls it is retried instead, and every operation is safe to repeat.
 */
export class LiveKitVideoProvider implements VideoProvider {
  readonly name = 'livekit';
  readonly hasRooms = true;
  readonly recordingMode: RecordingMode;
  /** The URL clients connect to (ws:// or wss://). */
  readonly clientUrl: string;
  private readonly rooms: RoomServiceClient;
  private readonly egress: EgressClient;

  constructor(private readonly options: LiveKitOptions) {
    if (!options.apiKey || !options.apiSecret) throw new Error('LiveKit needs an API key and secret');
    this.recordingMode = options.recordingMode ?? 'egress';
    const api = serverUrls(options.url);
    this.clientUrl = api.clientUrl;
    const clientOptions = options.requestTimeoutSeconds ? { requestTimeout: options.requestTimeoutSeconds } : undefined;
    this.rooms = new RoomServiceClient(api.apiUrl, options.apiKey, options.apiSecret, clientOptions);
    this.egress = new EgressClient(options.egressUrl ? serverUrls(options.egressUrl).apiUrl : api.apiUrl, options.apiKey, options.apiSecret, clientOptions);
  }

  /** The server answers and accepts our key (ListRooms). */
  async check(): Promise<void> {
    await this.call('RoomService.ListRooms', () => this.rooms.listRooms([]));
  }

  /**
   * Creates the room. CreateRoom is idempotent on LiveKit's side: for a name that already has a room it returns
   * that room (same sid), applying the non-zero settings of the request, so a retried activity creates nothing twice.
   */
  async openRoom(request: VideoRoomRequest): Promise<void> {
    await this.call('RoomService.CreateRoom', () =>
      this.rooms.createRoom({ name: request.roomName, emptyTimeout: request.emptyTimeoutSeconds, maxParticipants: request.maxParticipants }),
    );
  }

  /** Deletes the room (disconnecting everyone); a room that is already gone counts as closed. */
  async closeRoom(roomName: string): Promise<void> {
    try {
      await this.rooms.deleteRoom(roomName);
    } catch (error) {
      if (isServerError(error, 'not_found')) return;
      throw this.wrap('RoomService.DeleteRoom', error);
    }
  }

  /** Starts an audio-only room composite egress to one file; returns the egress id. */
  async startRecording(roomName: string, filePath: string): Promise<string> {
    const file = this.fileOutput(filePath);
    const info = await this.call('Egress.StartRoomCompositeEgress', () => this.egress.startRoomCompositeEgress(roomName, { file }, { audioOnly: true }));
    if (!info.egressId) throw new LiveKitError('Egress.StartRoomCompositeEgress', undefined, undefined, 'the answer carries no egress id');
    return info.egressId;
  }

  /** Stops the egress; one that is already ending or ended (LiveKit answers failed_precondition) counts as stopped. */
  async stopRecording(egressId: string): Promise<void> {
    try {
      await this.egress.stopEgress(egressId);
    } catch (error) {
      if (isServerError(error, 'failed_precondition')) return;
      throw this.wrap('Egress.StopEgress', error);
    }
  }

  /** A join token for one person: hosts also administer and record the room. */
  async joinToken(request: JoinTokenRequest): Promise<JoinToken> {
    if (!Number.isInteger(request.ttlSeconds) || request.ttlSeconds <= 0) throw new Error(`ttlSeconds must be a positive integer, not ${request.ttlSeconds}`);
    if (!request.identity) throw new Error('a join token needs an identity');
    const token = new AccessToken(this.options.apiKey, this.options.apiSecret, { identity: request.identity, name: request.name, ttl: request.ttlSeconds });
    const grant: VideoGrant = { roomJoin: true, room: request.roomName, canPublish: true, canSubscribe: true, canPublishData: true };
    if (request.role === 'host') Object.assign(grant, { roomAdmin: true, roomRecord: true });
    token.addGrant(grant);
    return { token: await token.toJwt(), url: this.clientUrl };
  }

  /**
   * Meetflow's recorder: hidden (nobody sees it), subscribe-only, and a `recorder`, which LiveKit counts as
   * dependent: an empty room still closes around it. LiveKit creates rooms on join, so a room that is not
   * open gets no token.
   */
  async recorderJoin(roomName: string, identity: string): Promise<JoinToken | null> {
    const rooms = await this.call('RoomService.ListRooms', () => this.rooms.listRooms([roomName]));
    if (!rooms.some((room) => room.name === roomName)) return null;
    const token = new AccessToken(this.options.apiKey, this.options.apiSecret, { identity, name: 'Meetflow recorder', ttl: 24 * 3600 });
    token.addGrant({ roomJoin: true, room: roomName, hidden: true, recorder: true, canPublish: false, canPublishData: false, canSubscribe: true });
    return { token: await token.toJwt(), url: this.clientUrl };
  }

  /** The room as LiveKit has it now: whether it exists, who is in it (recorders left out), and its recordings. */
  async roomState(roomName: string): Promise<VideoRoomState> {
    const rooms = await this.call('RoomService.ListRooms', () => this.rooms.listRooms([roomName]));
    const exists = rooms.some((room) => room.name === roomName);
    const participants = exists ? await this.participants(roomName) : [];
    // Without Egress (the embedded server: "egress not connected") there are no egresses to list.
    const egresses = this.recordingMode === 'egress' ? await this.call('Egress.ListEgress', () => this.egress.listEgress({ roomName })) : [];
    return { exists, participants, egresses: egresses.filter((info) => info.roomName === roomName || !info.roomName).map(recordingState) };
  }

  private async participants(roomName: string): Promise<VideoParticipantState[]> {
    let infos: ParticipantInfo[];
    try {
      infos = await this.rooms.listParticipants(roomName);
    } catch (error) {
      // The room closed between the two calls.
      if (isServerError(error, 'not_found')) return [];
      throw this.wrap('RoomService.ListParticipants', error);
    }
    return infos
      .filter((info) => !isRecorder(info) && info.state !== ParticipantInfo_State.DISCONNECTED)
      .map((info) => ({
        identity: info.identity,
        name: info.name,
        joinedAt: new Date(info.joinedAtMs > 0n ? Number(info.joinedAtMs) : Number(info.joinedAt) * 1000).toISOString(),
      }));
  }

  private fileOutput(filePath: string): EncodedFileOutput {
    const output = this.options.recordingOutput;
    const extension = /\.[A-Za-z0-9]+$/.exec(filePath)?.[0].toLowerCase() ?? '';
    const fileType = FILE_TYPES[extension] ?? EncodedFileType.DEFAULT_FILETYPE;
    switch (output?.kind) {
      case undefined:
        return new EncodedFileOutput({ fileType, filepath: filePath });
      case 'file':
        return new EncodedFileOutput({ fileType, filepath: output.pathTemplate.includes('{path}') ? output.pathTemplate.split('{path}').join(filePath) : output.pathTemplate });
      case 's3':
        return new EncodedFileOutput({
          fileType,
          filepath: filePath,
          output: {
            case: 's3',
            value: new S3Upload({
              bucket: output.bucket,
              region: output.region,
              accessKey: output.accessKey,
              secret: output.secret,
              endpoint: output.endpoint ?? '',
              forcePathStyle: output.forcePathStyle ?? false,
            }),
          },
        });
      case 'gcs':
        return new EncodedFileOutput({ fileType, filepath: filePath, output: { case: 'gcp', value: new GCPUpload({ bucket: output.bucket, credentials: output.credentials }) } });
    }
  }

  private async call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.wrap(operation, error);
    }
  }

  private wrap(operation: string, error: unknown): LiveKitError {
    if (error instanceof LiveKitError) return error;
    if (error instanceof ServerError) return new LiveKitError(operation, error.status, error.code, error.message, { cause: error });
    // fetch failures (refused, reset, timeout) say "fetch failed"; the reason is in the cause. (Duck-typed: fetch's
    // errors may come from another realm, where `instanceof Error` is false.)
    const { message, cause } = (error ?? {}) as { message?: unknown; cause?: { code?: unknown; message?: unknown } };
    const detail = cause?.code ?? cause?.message;
    const reason = typeof message === 'string' ? `${message}${detail ? ` (${String(detail)})` : ''}` : String(error);
    return new LiveKitError(operation, undefined, undefined, reason, { cause: error });
  }
}

/** Egress's participant, or Meetflow's own recorder: not a person in the meeting. */
export const isRecorder = (info: Pick<ParticipantInfo, 'kind' | 'permission'>) =>
  (info.kind as number) === EGRESS_PARTICIPANT_KIND || Boolean(info.permission?.recorder || info.permission?.hidden);

/** The server API's http(s) URL and the ws(s) URL clients connect to, from a LiveKit URL in either form. */
function serverUrls(url: string): { apiUrl: string; clientUrl: string } {
  const parsed = new URL(url);
  const scheme = { 'ws:': 'http:', 'wss:': 'https:', 'http:': 'http:', 'https:': 'https:' }[parsed.protocol];
  if (!scheme) throw new Error(`LIVEKIT_URL must be ws://, wss://, http:// or https://, not ${parsed.protocol}`);
  const rest = url.replace(/\/+$/, '').slice(parsed.protocol.length);
  return { apiUrl: scheme + rest, clientUrl: (scheme === 'https:' ? 'wss:' : 'ws:') + rest };
}

function recordingState(info: EgressInfo): VideoRecordingState {
  const result = info.fileResults[0] ?? (info.result.case === 'file' ? info.result.value : undefined);
  const request = info.request.case === 'roomComposite' ? info.request.value : undefined;
  const requested = request?.fileOutputs[0]?.filepath ?? (request?.output.case === 'file' ? request.output.value.filepath : undefined);
  const state: VideoRecordingState = { egressId: info.egressId, status: RECORDING_STATUS[info.status] ?? 'starting' };
  const filePath = result?.filename || requested;
  if (filePath) state.filePath = filePath;
  if (result?.location) state.fileUrl = result.location;
  if (result && result.size > 0n) state.fileSize = Number(result.size);
  if (result && result.duration > 0n) state.durationSeconds = Number(result.duration / 1_000_000n) / 1000;
  const startedAt = fromNanos(info.startedAt);
  if (startedAt) state.startedAt = startedAt;
  const endedAt = fromNanos(info.endedAt);
  if (endedAt) state.endedAt = endedAt;
  if (info.error) state.error = info.error;
  return state;
}
