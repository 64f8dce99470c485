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
});

afterAll(async () => {
  await world?.close();
});

test('the recording-finished write is slow: the pipeline still finds the file, the meeting completes and everyone gets results', async () => {
  await world.startWorker();
  const host = await world.makeUser('Rae Host');
  const guests = [await world.makeUser('Gus Guest'), await world.makeUser('Gia Guest')];
  const meeting = await world.schedule(host, guests);
  await waitFor('the meeting to go live', async () => (await world.phase(meeting)) === 'live', 60_000);
  const events = new MeetingEvents(meeting.handle);
  for (const person of meeting.people) await events.join(person.id, person.name);
  const recordingId = unique('EG');
  await events.startRecording(recordingId);
  const pg = new PgClient({ connectionString: world.cfg.DATABASE_URL });
  await pg.connect();
  try {
    await waitFor('the recording row', async () => (await pg.query('select 1 from recordings where livekit_recording_id = $1', [recordingId])).rowCount === 1, 30_000);
    // Another transaction holds the recording's row for 8 s: the finished-recording write waits (well within its 15 s).
    await pg.query('begin');
    await pg.query('select id from recordings where livekit_recording_id = $1 for update', [recordingId]);
    const audio = path.join(world.dataDir, `${recordingId}.ogg`);
    writeFileSync(audio, 'OggS fake audio');
    writeFileSync(path.join(world.dataDir, `${recordingId}.vtt`), vttOf([[host.name, 'We agreed to ship on Friday.'], [guests[0].name, 'I will write the notes by Thursday.']]));
    for (const person of meeting.people) await events.leave(person.id);
    await events.finishRoom();
    await events.finishRecording(recordingId, { filePath: audio });
    await sleep(8_000);
  } finally {
    await pg.query('commit').catch(() => undefined);
    await pg.end();
  }
  const [result] = await allResults(world, [meeting], 60_000);
  expect(result.phase === 'completed' ? result.phase : `${result.phase}: ${result.lastError}`).toBe('completed');
  const keys = (await readChatLog(world.dataDir)).map((entry) => entry.key).filter((key) => key.startsWith('results:'));
  expect(keys.sort()).toEqual(meeting.people.map((person) => `results:${result.summaryId}:${person.id}`).sort());
}, 120_000);
