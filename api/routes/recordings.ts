import { mayRecordEveryone } from '../../db/consent';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Context } from 'koa';
import { z } from 'zod';
import { startRecordingPipeline } from '../../clients/recordings';
import { Recording, type RecordingEntity } from '../../db/entities';
import { AUDIO_FORMATS_TEXT, AUDIO_SNIFF_BYTES, type AudioFormat, sniffAudioFormat } from '../../integrations/transcription/audio-format';
import { findVisibleMeeting } from '../../commands/meetings';
import { authorize } from '../../commands/types';
import { canManageMeeting } from '../../policies/meetings';
import { commandDeps, type ApiDeps } from '../deps';
import { apiActor, auditRequest } from '../audit';
import { currentUser } from '../middleware/auth';
import { HttpError } from '../middleware/errors';
import type { RouteRegistry } from '../routing';
import { recordingView } from '../views';

const byId = { params: z.object({ id: z.uuid({ error: 'must be a meeting id' }) }) };

/** Passes the upload through, refusing it as soon as it is too large or its first bytes are not audio we take. */
class AudioGate extends Transform {
  bytes = 0;
  format?: AudioFormat;
  private head = Buffer.alloc(0);

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return done(tooLarge(this.maxBytes));
    if (!this.format) {
      this.head = Buffer.concat([this.head, chunk]);
      if (this.head.length < AUDIO_SNIFF_BYTES) return done();
      this.format = sniffAudioFormat(this.head);
      if (!this.format) return done(notAudio());
      chunk = this.head;
    }
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.format) return done();
    if (this.bytes === 0) return done(new HttpError(400, 'empty_upload', 'The body is empty: send the audio file itself as the request body'));
    this.format = sniffAudioFormat(this.head);
    done(this.format ? null : notAudio(), this.format ? this.head : undefined);
  }
}

export const uploadTooLarge = (maxMb: number) => `The recording is larger than the ${maxMb} MB this server accepts (UPLOAD_MAX_MB)`;
const tooLarge = (maxBytes: number) => new HttpError(413, 'payload_too_large', uploadTooLarge(Math.round(maxBytes / 1024 / 1024)));
const notAudio = () => new HttpError(415, 'unsupported_media_type', `The body is not a recording this server reads: send ${AUDIO_FORMATS_TEXT} audio`);

/** Streams the request body to `dir` (never whole in memory); the file only appears once it is complete and accepted. */
async function receiveAudio(request: IncomingMessage, dir: string, maxBytes: number): Promise<{ file: string; bytes: number; format: AudioFormat }> {
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  await mkdir(dir, { recursive: true });
  const partial = path.join(dir, `.${randomUUID()}.part`);
  const gate = new AudioGate(maxBytes);
  try {
    await pipeline(request, gate, createWriteStream(partial));
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  const file = path.join(dir, `${randomUUID()}.${gate.format}`);
  await rename(partial, file);
  return { file, bytes: gate.bytes, format: gate.format! };
}

export function recordingRoutes(routes: RouteRegistry, deps: ApiDeps): void {
  routes.add({
    method: 'post',
    path: '/meetings/{id}/recordings',
    summary: `Bring your own recording (host only): the audio file as the body (${AUDIO_FORMATS_TEXT}); it is transcribed, summarized and delivered like a recorded meeting`,
    auth: true,
    schemas: byId,
    status: 202,
    handler: async (ctx, { params }) => {
      const user = currentUser(ctx);
      const room = await findVisibleMeeting(commandDeps(deps), apiActor(ctx), params.id);
      authorize(apiActor(ctx), (person) => canManageMeeting(person, room), `only the host (${room.host.name}) can add a recording to "${room.name}"`);
      if (!(await mayRecordEveryone(deps.orm.em.fork(), room.id, deps.cfg.RECORDING_CONSENT_DEFAULT))) {
        throw new HttpError(409, 'conflict', deps.cfg.RECORDING_CONSENT_DEFAULT === 'opt-in' ? 'Recording consent is opt-in here: one mixed recording cannot leave out the people who did not say yes' : 'Someone in this meeting declined to be recorded: one mixed recording cannot leave them out');
      }
      if (ctx.is('multipart/form-data', 'application/x-www-form-urlencoded')) {
        throw new HttpError(415, 'unsupported_media_type', 'Send the audio file itself as the body (curl --data-binary @meeting.ogg), not a form');
      }
      // A refused upload is answered before the client has sent it all: close the connection instead of reading the rest.
      ctx.set('Connection', 'close');
      const recordingId = uploadId(room.id, ctx.get('idempotency-key'));
      const em = deps.orm.em.fork();
      const earlier = await em.findOne(Recording, { livekitRecordingId: recordingId });
      if (earlier) return answer(ctx, earlier, await startRecordingPipeline(deps.temporal, deps.cfg.TEMPORAL_TASK_QUEUE, { roomId: room.id, recordingId }));
      const upload = await receiveAudio(ctx.req, path.join(deps.cfg.DATA_DIR, 'uploads', room.id), deps.cfg.UPLOAD_MAX_MB * 1024 * 1024);
      ctx.remove('Connection');
      // Keyed on the recording id: the same Idempotency-Key sent twice at once still makes one row (and one pipeline).
      await em
        .createQueryBuilder(Recording)
        .insert({ room: room.id, startedBy: user.id, livekitRecordingId: recordingId, status: 'completed', filePath: upload.file, fileSize: upload.bytes, completedAt: new Date() })
        .onConflict('livekit_recording_id')
        .ignore()
        .execute();
      const recording = await em.findOneOrFail(Recording, { livekitRecordingId: recordingId });
      if (recording.filePath !== upload.file) await rm(upload.file, { force: true });
      const workflowId = await startRecordingPipeline(deps.temporal, deps.cfg.TEMPORAL_TASK_QUEUE, { roomId: room.id, recordingId });
      await auditRequest(ctx, deps.orm.em, { action: 'recording.upload', target: { type: 'recording', id: recording.id }, details: { meetingId: room.id, bytes: recording.fileSize, format: upload.format, workflowId } });
      answer(ctx, recording, workflowId);
    },
  });
}

/** A retried upload with the same Idempotency-Key names the same recording; without one, every upload is new. */
function uploadId(roomId: string, idempotencyKey: string): string {
  if (!idempotencyKey) return `upload-${randomUUID()}`;
  return `upload-${createHash('sha256').update(`${roomId}\n${idempotencyKey}`).digest('hex').slice(0, 32)}`;
}

function answer(ctx: Context, recording: RecordingEntity, workflowId: string): void {
  ctx.status = 202;
  ctx.set('Location', `/meetings/${recording.room.id}/transcript`);
  ctx.body = { recording: recordingView(recording), format: path.extname(recording.filePath ?? '').slice(1), workflowId };
}
