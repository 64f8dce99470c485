import { AudioStream, DisconnectReason, dispose, Room, RoomEvent, TrackKind, type AudioFrame, type RemoteParticipant, type RemoteTrack, type RemoteTrackPublication } from '@livekit/rtc-node';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { WavWriter } from './wav';

/**
 * 16 kHz: the rate speech-to-text models take (Whisper resamples everything to 16 kHz; Google Speech
 * recommends it), so nobody resamples the file again; a third of 48 kHz on disk (115 MB per person-hour).
 * LiveKit's native stream resamples the 48 kHz Opus decode for us.
 */
export const RECORDING_SAMPLE_RATE = 16_000;


let nativeRuntimeStarted = false;

/**
 * Ends LiveKit's native runtime, when a recorder started it (its threads keep a process alive); call once,
 * at exit: no recorder works in this process after it.
 */
export async function releaseRecorderRuntime(): Promise<void> {
  if (nativeRuntimeStarted) await dispose();
  nativeRuntimeStarted = false;
}

/** One stretch of one person's audio: from their track's first frame until it ends (they leave, unpublish, the room closes). */
export interface TrackPart {
  identity: string;
  /** The name the participant joined with (their Meetflow name). */
  name: string;
  /** 1 for a person's first part; a rejoin (or a recorder restart) starts the next. */
  part: number;
  filePath: string;
  /** Where the part starts, in ms from the recording's start. */
  offsetMs: number;
  /** Set once the part is finished. */
  durationMs?: number;
}

export interface RoomRecorderOptions {
  /** ws(s):// URL and a token of a hidden, subscribe-only participant. */
  url: string;
  token: string;
  /** Where the parts' files go (created when missing). */
  dir: string;
  /** The recording's start (epoch ms): every part's offset counts from it, across recorder restarts. */
  origin: number;
  /** The last part number each person already has (a restarted recorder continues after them). */
  lastParts?: ReadonlyMap<string, number>;
  /** Asked before subscribing to someone's audio: false and their audio is never received. Default: everyone. */
  mayRecord?: (identity: string) => boolean | Promise<boolean>;
  /** Called (and awaited) before a part's file is written: store the part first, so a crash leaves nothing unknown. */
  onPartStarted?: (part: TrackPart) => Promise<void>;
  onPartFinished?: (part: TrackPart) => Promise<void>;
  onError?: (error: unknown, part?: TrackPart) => void;
  sampleRate?: number;
}

/** Why the recorder left the room. `closed`: the room is gone (its meeting ended); anything else may be retried. */
export interface RecorderExit {
  closed: boolean;
  reason: string;
}

const ROOM_GONE = new Set<DisconnectReason>([DisconnectReason.ROOM_DELETED, DisconnectReason.ROOM_CLOSED]);

const fileName = (identity: string, part: number) => `${identity.replace(/[^A-Za-z0-9_-]/g, '_')}.part${part}.wav`;

/**
 * Meetflow's own recorder: a hidden participant that subscribes to each person's audio track and writes it
 * to a file of its own, so every line of the transcript can carry the speaker's real name. One file per
 * person per part; frames go to disk as they arrive.
 */
export class RoomRecorder {
  readonly exited: Promise<RecorderExit>;
  private readonly room = new Room();
  private readonly lastParts: Map<string, number>;
  private readonly active = new Map<string, { part: TrackPart; stream: ReadableStreamDefaultReader<AudioFrame> }>();
  private readonly recording = new Set<Promise<void>>();
  private readonly finished: TrackPart[] = [];
  private exit?: (exit: RecorderExit) => void;

  private constructor(private readonly options: RoomRecorderOptions) {
    this.lastParts = new Map(options.lastParts);
    this.exited = new Promise((resolve) => (this.exit = resolve));
    mkdirSync(options.dir, { recursive: true });
  }

  /** Joins the room and records until `stop()` or until the room goes away (see `exited`). */
  static async join(options: RoomRecorderOptions): Promise<RoomRecorder> {
    const recorder = new RoomRecorder(options);
    await recorder.connect();
    return recorder;
  }

  /** Parts finished so far. */
  get finishedParts(): readonly TrackPart[] {
    return this.finished;
  }

  get activeParts(): TrackPart[] {
    return [...this.active.values()].map((entry) => entry.part);
  }

  /** Ends every part (their files complete), then leaves the room. */
  async stop(reason = 'stopped'): Promise<RecorderExit> {
    await this.finishParts();
    await this.room.disconnect().catch(() => undefined);
    this.exit?.({ closed: false, reason });
    return this.exited;
  }

  /**
   * Subscribes again to every audio track it should be receiving and is not: a subscription lost on the way
   * (seen on an overloaded machine) would otherwise lose that person for the whole meeting. Cheap; call it often.
   */
  async resubscribe(): Promise<void> {
    for (const participant of this.room.remoteParticipants.values()) {
      for (const publication of participant.trackPublications.values()) {
        if (!publication.subscribed) await this.subscribe(publication, participant);
        else await this.dropIfWithdrawn(publication, participant);
      }
    }
  }

  /** Someone who declines while being recorded: their part ends now and nothing more of them is written. */
  private async dropIfWithdrawn(publication: RemoteTrackPublication, participant: RemoteParticipant): Promise<void> {
    if (publication.kind !== TrackKind.KIND_AUDIO || !this.options.mayRecord) return;
    let allowed = true;
    try {
      allowed = await this.options.mayRecord(participant.identity);
    } catch (error) {
      // Not known now: asked again at the next call (the decision that let the track in still stands).
      this.options.onError?.(error);
    }
    if (allowed) return;
    publication.setSubscribed(false);
    await this.active.get(`${participant.identity}/${publication.sid}`)?.stream.cancel().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    nativeRuntimeStarted = true;
    this.room.on(RoomEvent.TrackPublished, (publication, participant) => void this.subscribe(publication, participant));
    this.room.on(RoomEvent.TrackSubscriptionFailed, (trackSid, participant, reason) => this.options.onError?.(new Error(`could not subscribe to ${participant.identity}'s track ${trackSid}: ${reason ?? 'no reason given'}`)));
    this.room.on(RoomEvent.TrackSubscribed, (track, publication, participant) => this.track(this.record(track, publication, participant)));
    this.room.on(RoomEvent.Disconnected, (reason) => void this.leave(reason));
    await this.room.connect(this.options.url, this.options.token, { autoSubscribe: false, dynacast: false });
    await this.resubscribe();
  }

  private async subscribe(publication: RemoteTrackPublication, participant: RemoteParticipant): Promise<void> {
    if (publication.kind !== TrackKind.KIND_AUDIO) return;
    try {
      if (await (this.options.mayRecord?.(participant.identity) ?? true)) publication.setSubscribed(true);
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  private track(work: Promise<void>): void {
    this.recording.add(work);
    void work.finally(() => this.recording.delete(work));
  }

  private nextPart(identity: string): number {
    const part = (this.lastParts.get(identity) ?? 0) + 1;
    this.lastParts.set(identity, part);
    return part;
  }

  /**
   * One part: the track's frames into one file, from its first frame to the stream's end. The file's clock is
   * its sample count: WebRTC's receiver hands over a frame every 10 ms whether or not packets arrive (silence,
   * concealment), so the file keeps pace with the room even when this process is too busy to read for a while.
   * Where the part starts is the earliest start its frames imply (arrival minus the audio before them): frames
   * are only ever late, never early, so the least delayed one tells the truth.
   */
  private async record(track: RemoteTrack, publication: RemoteTrackPublication, participant: RemoteParticipant): Promise<void> {
    if (track.kind !== TrackKind.KIND_AUDIO) return;
    const sampleRate = this.options.sampleRate ?? RECORDING_SAMPLE_RATE;
    const reader = new AudioStream(track, { sampleRate, numChannels: 1 }).getReader();
    const key = `${participant.identity}/${publication.sid}`;
    let part: TrackPart | undefined;
    let writer: WavWriter | undefined;
    let startedAt = Infinity;
    let samples = 0;
    let failure: unknown;
    try {
      for (;;) {
        const { value: frame, done } = await reader.read();
        if (done) break;
        samples += frame.samplesPerChannel;
        startedAt = Math.min(startedAt, Date.now() - (samples / sampleRate) * 1000);
        if (!part) {
          part = { identity: participant.identity, name: participant.name || participant.identity, part: this.nextPart(participant.identity), filePath: '', offsetMs: this.offsetOf(startedAt) };
          part.filePath = path.join(this.options.dir, fileName(part.identity, part.part));
          this.active.set(key, { part, stream: reader });
          try {
            await this.options.onPartStarted?.(part);
          } catch (error) {
            // A part nobody knows about would be lost: leave (the caller retries and rejoins) rather than record it.
            failure = error;
            break;
          }
          writer = new WavWriter(part.filePath, { sampleRate, channels: 1 });
        }
        part.offsetMs = this.offsetOf(startedAt);
        writer!.write(frame.data);
      }
    } catch (error) {
      this.options.onError?.(error, part);
    } finally {
      this.active.delete(key);
      await reader.cancel().catch(() => undefined);
      if (part && writer) {
        writer.close();
        part.durationMs = Math.round(writer.seconds * 1000);
        this.finished.push(part);
        await this.options.onPartFinished?.(part)?.catch((error: unknown) => this.options.onError?.(error, part));
      }
    }
    if (failure !== undefined) {
      this.options.onError?.(failure, part);
      void this.stop(`part ${part?.part} of ${participant.identity} could not be stored: ${String(failure)}`);
    }
  }

  private offsetOf(startedAt: number): number {
    return Math.max(0, Math.round(startedAt - this.options.origin));
  }

  /** Ends every stream (their loops then close the files and report the parts) and waits for them. */
  private async finishParts(): Promise<void> {
    for (const { stream } of this.active.values()) await stream.cancel().catch(() => undefined);
    await Promise.all([...this.recording]);
  }

  private async leave(reason: DisconnectReason | undefined): Promise<void> {
    await this.finishParts();
    this.exit?.({ closed: reason !== undefined && ROOM_GONE.has(reason), reason: DisconnectReason[reason ?? DisconnectReason.UNKNOWN_REASON] ?? String(reason) });
  }
}
