import type { EntityManager } from '@mikro-orm/postgresql';
import { Context, heartbeat } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { config } from '../config';
import { Recording, RecordingTrack, User, type RecordingEntity } from '../db/entities';
import { repairWav } from '../integrations/video/recorder/wav';
import { RoomRecorder, type RecorderExit, type TrackPart } from '../integrations/video/recorder/room-recorder';
import type { ActivityContext } from './context';

/** The recorder's identity in every room: a second recorder (a retry elsewhere) replaces a stale one. */
export const RECORDER_IDENTITY = 'meetflow-recorder';

const HEARTBEAT_MS = 5_000;

export interface RecordRoomInput {
  roomId: string;
  recordingId: string;
}

export interface RecordRoomResult {
  /** The folder holding the parts' files. */
  dir: string;
  /** Parts with audio, over every attempt. */
  parts: number;
  /** People with at least one part. */
  people: number;
  /** From the recording's start to the end of its last part. */
  durationSeconds: number;
  fileSize: number;
}


const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createRecorderActivities(ctx: ActivityContext) {
  const em = () => ctx.orm.em.fork();
  const recordingsDir = () => path.join(ctx.dataDir ?? config().DATA_DIR, 'recordings');

  return {
    /**
     * Records a live room with Meetflow's own hidden participant, one file per person per part, until the room
     * closes (the meeting's end). Long-running and heartbeating: a retry (after a crash or a lost connection)
     * first repairs what the last attempt left, then rejoins and goes on in new parts; nothing written is lost.
     */
    async recordRoom(input: RecordRoomInput): Promise<RecordRoomResult> {
      const recording = await loadRecording(em(), input);
      const video = ctx.providers.video;
      if (video.recordingMode !== 'tracks' || !video.recorderJoin) {
        throw ApplicationFailure.nonRetryable(`the video provider ${video.name} does not record per-person tracks (RECORDER=${video.recordingMode ?? 'off'})`, 'NoTrackRecorder');
      }
      const dir = path.join(recordingsDir(), input.roomId, input.recordingId);
      await recoverParts(em(), recording.id);
      const join = await video.recorderJoin(recording.room.livekitRoomName, RECORDER_IDENTITY);
      if (join) {
        const exit = await record(ctx, recording, dir, join, input);
        if (!exit.closed) throw ApplicationFailure.retryable(`the recorder left room ${recording.room.livekitRoomName} (${exit.reason}) while it was still open`, 'RecorderDisconnected');
      }
      return summarize(em(), recording.id, dir);
    },
  };
}

async function loadRecording(db: EntityManager, input: RecordRoomInput): Promise<RecordingEntity> {
  const recording = await db.findOne(Recording, { livekitRecordingId: input.recordingId }, { populate: ['room'] });
  if (!recording) throw ApplicationFailure.nonRetryable(`recording ${input.recordingId} does not exist: register it before recording`, 'RecordingNotFound');
  if (recording.room.id !== input.roomId) throw ApplicationFailure.nonRetryable(`recording ${input.recordingId} belongs to another meeting (${recording.room.id})`, 'RecordingOfAnotherMeeting');
  return recording;
}

/** Joins, records, heartbeats; returns when the recorder leaves the room, or throws once the activity is cancelled. */
async function record(ctx: ActivityContext, recording: RecordingEntity, dir: string, join: { url: string; token: string }, input: RecordRoomInput): Promise<RecorderExit> {
  const store = partStore(ctx, recording.id);
  const recorder = await RoomRecorder.join({
    url: join.url,
    token: join.token,
    dir,
    origin: (recording.startedAt ?? recording.createdAt).getTime(),
    lastParts: await lastParts(ctx.orm.em.fork(), recording.id),
    mayRecord: (identity) => ctx.mayRecord?.({ ...input, identity }) ?? true,
    onPartStarted: store.started,
    onPartFinished: store.finished,
    onError: (error, part) => ctx.log.warn({ err: error, recordingId: input.recordingId, part: part && `${part.identity}#${part.part}` }, 'recorder: a track failed'),
  });
  const activity = Context.current();
  const beat = () => {
    heartbeat({ partsDone: recorder.finishedParts.length, recording: recorder.activeParts.map((part) => `${part.identity}#${part.part}`) });
    void store.refine(recorder.activeParts).catch((error: unknown) => ctx.log.warn({ err: error }, 'recorder: could not store part offsets'));
    void recorder.resubscribe();
  };
  const timer = setInterval(beat, HEARTBEAT_MS);
  beat();
  try {
    return await Promise.race([recorder.exited, activity.cancelled]);
  } catch (error) {
    // Cancelled (the worker is shutting down, or the heartbeat was lost): close every part, leave, and let Temporal retry.
    await recorder.stop('cancelled');
    throw error instanceof CancelledFailure ? error : ApplicationFailure.retryable(String(error), 'RecorderCancelled');
  } finally {
    clearInterval(timer);
  }
}

/** Track rows are written on their natural key (recording, identity, part): a repeated write changes nothing. */
function partStore(ctx: ActivityContext, recordingId: string) {
  const stored = new Map<string, number>();
  return {
    async started(part: TrackPart): Promise<void> {
      const db = ctx.orm.em.fork();
      const user = UUID.test(part.identity) ? await db.findOne(User, part.identity, { fields: ['id'] }) : null;
      await db
        .createQueryBuilder(RecordingTrack)
        .insert({ recording: recordingId, identity: part.identity, user: user?.id ?? null, name: part.name.slice(0, 255), part: part.part, filePath: part.filePath, offsetMs: part.offsetMs, status: 'recording' })
        .onConflict(['recording_id', 'identity', 'part'])
        .ignore()
        .execute();
    },
    /** A running part's start, as far as its frames so far tell it (so a crash keeps a good offset too). */
    async refine(parts: TrackPart[]): Promise<void> {
      for (const part of parts.filter((p) => stored.get(`${p.identity}#${p.part}`) !== p.offsetMs)) {
        stored.set(`${part.identity}#${part.part}`, part.offsetMs);
        await ctx.orm.em.fork().nativeUpdate(RecordingTrack, { recording: recordingId, identity: part.identity, part: part.part, status: 'recording' }, { offsetMs: part.offsetMs });
      }
    },
    async finished(part: TrackPart): Promise<void> {
      // The offset too: the part knows its start better once it has heard more frames.
      await ctx.orm.em.fork().nativeUpdate(RecordingTrack, { recording: recordingId, identity: part.identity, part: part.part }, { status: 'complete', offsetMs: part.offsetMs, durationMs: part.durationMs ?? 0 });
    },
  };
}

/**
 * Parts a previous attempt did not finish (its worker died): their files are repaired (WAV sizes from what
 * is on disk) and kept; a part whose file never got written is marked failed.
 */
async function recoverParts(db: EntityManager, recordingId: string): Promise<void> {
  for (const track of await db.find(RecordingTrack, { recording: recordingId, status: 'recording' })) {
    if (existsSync(track.filePath)) {
      const { durationMs } = repairWav(track.filePath);
      Object.assign(track, { status: 'complete', durationMs });
    } else {
      Object.assign(track, { status: 'failed', durationMs: 0 });
    }
  }
  await db.flush();
}

async function lastParts(db: EntityManager, recordingId: string): Promise<Map<string, number>> {
  const rows = await db.find(RecordingTrack, { recording: recordingId }, { fields: ['identity', 'part'] });
  const last = new Map<string, number>();
  for (const row of rows) last.set(row.identity, Math.max(last.get(row.identity) ?? 0, row.part));
  return last;
}

async function summarize(db: EntityManager, recordingId: string, dir: string): Promise<RecordRoomResult> {
  await recoverParts(db, recordingId);
  const parts = (await db.find(RecordingTrack, { recording: recordingId, status: 'complete' })).filter((track) => (track.durationMs ?? 0) > 0);
  const ends = parts.map((track) => track.offsetMs + (track.durationMs ?? 0));
  const bytes = parts.map((track) => (existsSync(track.filePath) ? statSync(track.filePath).size : 0));
  return {
    dir,
    parts: parts.length,
    people: new Set(parts.map((track) => track.identity)).size,
    durationSeconds: Math.round(Math.max(0, ...ends) / 1000),
    fileSize: bytes.reduce((sum, size) => sum + size, 0),
  };
}
