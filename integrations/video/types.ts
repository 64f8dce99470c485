export interface VideoRoomRequest {
  roomName: string;
  maxParticipants: number;
  /** Seconds an empty room stays open before the provider closes it. */
  emptyTimeoutSeconds: number;
}

export interface VideoProvider {
  readonly name: string;
  /** Whether meetings get a real room (else they run without one and video events come from elsewhere). */
  readonly hasRooms: boolean;
  openRoom(request: VideoRoomRequest): Promise<void>;
  closeRoom(roomName: string): Promise<void>;
  /** Starts an audio-only recording of the room; returns the provider's recording id. */
  startRecording?(roomName: string, filePath: string): Promise<string>;
}

/** The embedded default: no video rooms. Meetings still run; their events arrive as signed webhooks (the demo plays them). */
export class NoVideoProvider implements VideoProvider {
  readonly name = 'none';
  readonly hasRooms = false;
  async openRoom(): Promise<void> {}
  async closeRoom(): Promise<void> {}
}
