export interface VideoRoomRequest {
  roomName: string;
  maxParticipants: number;
  /** Seconds an empty room stays open before the provider closes it. */
  emptyTimeoutSeconds: number;
}

export type VideoRole = 'host' | 'participant';

export type RecordingMode = 'tracks' | 'egress' | 'off';

export interface JoinTokenRequest {
  roomName: string;
  /** The participant's identity in the room: a Meetflow user id. */
  identity: string;
  /** Display name shown to the others. */
  name: string;
  role: VideoRole;
  ttlSeconds: number;
}

export interface JoinToken {
  token: string;
  /** The URL the client connects to with the token (ws:// or wss://). */
  url: string;
}

export type VideoRecordingStatus = 'starting' | 'active' | 'ending' | 'complete' | 'failed' | 'aborted' | 'limit_reached';

/** Instants are ISO 8601 strings: these cross Temporal's JSON payloads as they are. */
export interface VideoParticipantState {
  identity: string;
  name: string;
  joinedAt: string;
}

export interface VideoRecordingState {
  /** The provider's recording id (what `startRecording` returned). */
  egressId: string;
  status: VideoRecordingStatus;
  filePath?: string;
  /** Where the uploaded file lives, when the provider uploaded it (e.g. an S3 URL). */
  fileUrl?: string;
  fileSize?: number;
  durationSeconds?: number;
  startedAt?: string;
  endedAt?: string;
  /** Set when the recorder failed. */
  error?: string;
}

/** What the provider says about a room right now (to reconcile when its webhooks were dropped). */
export interface VideoRoomState {
  exists: boolean;
  participants: VideoParticipantState[];
  egresses: VideoRecordingState[];
}

export interface VideoProvider {
  readonly name: string;
  /** A cheap call that fails when the provider cannot be used (credentials, reachability); for /ready. */
  check?(): Promise<void>;
  /** Whether meetings get a real room (else they run without one and video events come from elsewhere). */
  readonly hasRooms: boolean;
  /**
   * How rooms are recorded: `tracks` by Meetflow's own hidden participant, one file per person (no Egress
   * needed: the embedded server); `egress` by the provider's room composite; `off` not at all.
   */
  readonly recordingMode?: RecordingMode;
  openRoom(request: VideoRoomRequest): Promise<void>;
  closeRoom(roomName: string): Promise<void>;
  /** Starts an audio-only recording of the room; returns the provider's recording id. */
  startRecording?(roomName: string, filePath: string): Promise<string>;
  /** Stops a recording; stopping one that is already ending or ended succeeds. */
  stopRecording?(recordingId: string): Promise<void>;
  /**
   * A token for Meetflow's recorder (hidden, subscribe-only, and not keeping an empty room open), or null when
   * the room is not open (a recorder must not bring a closed meeting's room back).
   */
  recorderJoin?(roomName: string, identity: string): Promise<JoinToken | null>;
  /** A token a client joins the room with. */
  joinToken?(request: JoinTokenRequest): Promise<JoinToken>;
  roomState?(roomName: string): Promise<VideoRoomState>;
}

/** The embedded default: no video rooms. Meetings still run; their events arrive as signed webhooks (the demo plays them). */
export class NoVideoProvider implements VideoProvider {
  readonly name = 'none';
  readonly hasRooms = false;
  async openRoom(): Promise<void> {}
  async closeRoom(): Promise<void> {}
}
