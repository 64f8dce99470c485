import { Client as PgClient } from 'pg';
import { readChatLog } from '../../integrations/chat/log';
import { unique } from '../helpers/db';
import { vttOf } from '../helpers/meeting';
import { MeetingEvents } from '../../clients/video-events';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { sleep, waitFor } from '../helpers/wait';
import { allResults, FaultWorld } from './harness';

// A slow database write (here: the recording's row held by a lock for a few seconds, as a busy or restarting
// database would hold it) while the meeting ends. The recording's file path is written by the activity of the
// recordingFinished signal handler; the pipeline must not read the row before that write landed.
let world: FaultWorld;

beforeAll(async () => {
  world = await new FaultWorld('race').open();
  await world.startWorker();
});

afterAll(async () => {
  await world?.close();
});

type Scheduled = Awaited<ReturnType<FaultWorld['schedule']>>;

/** A live meeting with everyone in it and an Egress recording running (its row stored). */
async function liveRecordedMeeting(): Promise<{ meeting: Scheduled; events: MeetingEvents; recordingId: string; names: string[] }> {
  const host = await world.makeUser('Rae Host');
  const guests = [await world.makeUser('Gus Guest'), await world.makeUser('Gia Guest')];
  const meeting = await world.schedule(host, guests);
  await waitFor('the meeting to go live', async () => (await world.phase(meeting)) === 'live', 60_000);
  const events = new MeetingEvents(meeting.handle);
  for (const person of meeting.people) await events.join(person.id, person.name);
  const recordingId = unique('EG');
  await events.startRecording(recordingId);
  return { meeting, events, recordingId, names: [host.name, guests[0].name] };
}

/** Holds the recording's row in another transaction for 8 s (well within the write's 15 s) around `during`. */
async function withRecordingRowLocked(recordingId: string, during: () => Promise<void>): Promise<void> {
  const pg = new PgClient({ connectionString: world.cfg.DATABASE_URL });
  await pg.connect();
  try {
    await waitFor('the recording row', async () => (await pg.query('select 1 from recordings where livekit_recording_id = $1', [recordingId])).rowCount === 1, 30_000);
    await pg.query('begin');
    await pg.query('select id from recordings where livekit_recording_id = $1 for update', [recordingId]);
    await during();
    await sleep(8_000);
  } finally {
    await pg.query('commit').catch(() => undefined);
    await pg.end();
  }
}

function writeRecording(recordingId: string, names: string[]): string {
  const audio = path.join(world.dataDir, `${recordingId}.ogg`);
  writeFileSync(audio, 'OggS fake audio');
  writeFileSync(path.join(world.dataDir, `${recordingId}.vtt`), vttOf([[names[0], 'We agreed to ship on Friday.'], [names[1], 'I will write the notes by Thursday.']]));
  return audio;
}

async function expectEveryoneGotResults(meeting: Scheduled): Promise<void> {
  const [result] = await allResults(world, [meeting], 60_000);
  expect(result.phase === 'completed' ? result.phase : `${result.phase}: ${result.lastError}`).toBe('completed');
  const keys = (await readChatLog(world.dataDir)).map((entry) => entry.key).filter((key) => key.startsWith('results:'));
  expect(keys.filter((key) => key.startsWith(`results:${result.summaryId}:`)).sort()).toEqual(meeting.people.map((person) => `results:${result.summaryId}:${person.id}`).sort());
}

test('the recording-finished write is slow: the pipeline still finds the file, the meeting completes and everyone gets results', async () => {
  const { meeting, events, recordingId, names } = await liveRecordedMeeting();
  await withRecordingRowLocked(recordingId, async () => {
    const audio = writeRecording(recordingId, names);
    for (const person of meeting.people) await events.leave(person.id);
    await events.finishRoom();
    await events.finishRecording(recordingId, { filePath: audio });
  });
  await expectEveryoneGotResults(meeting);
}, 120_000);

// The recording ends after the meeting did (Egress uploads its file last): the workflow is already waiting for it.
test('the recording finishes while the ended meeting waits for it, and its write is slow: the pipeline waits for the write', async () => {
  const { meeting, events, recordingId, names } = await liveRecordedMeeting();
  for (const person of meeting.people) await events.leave(person.id);
  await events.finishRoom();
  await waitFor('the meeting to wait for its recording', async () => (await world.phase(meeting)) === 'processing', 60_000);
  await withRecordingRowLocked(recordingId, () => events.finishRecording(recordingId, { filePath: writeRecording(recordingId, names) }));
  await expectEveryoneGotResults(meeting);
}, 120_000);
