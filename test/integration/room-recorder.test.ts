import { dispose } from '@livekit/rtc-node';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LiveKitVideoProvider } from '../../integrations/video/livekit';
import { RoomRecorder, type TrackPart } from '../../integrations/video/recorder/room-recorder';
import { readWavSamples } from '../../integrations/video/recorder/wav';
import { startLocalLiveKit, type LocalLiveKit } from '../helpers/livekit-server';
import { locate, Speaker, speakerToken, speech } from '../helpers/speakers';
import { sleep, waitFor } from '../helpers/wait';

// Meetflow's recorder against a real LiveKit server, without the rest of Meetflow: who gets recorded, in which
// parts, and that the recorder is invisible to the people in the room and to the room's own lifetime.
let livekit: LocalLiveKit;
let provider: LiveKitVideoProvider;

beforeAll(async () => {
  livekit = await startLocalLiveKit({ departureTimeoutSeconds: 2 });
  provider = new LiveKitVideoProvider({ url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret, recordingMode: 'tracks' });
});

afterAll(async () => {
  await livekit?.stop();
  await dispose();
});

test('everyone the hook allows gets a file of their own, a new part per stay; the others are never received', async () => {
  await provider.openRoom({ roomName: 'standup', maxParticipants: 10, emptyTimeoutSeconds: 60 });
  expect(await provider.recorderJoin('no-such-room', 'meetflow-recorder')).toBeNull();
  const join = (await provider.recorderJoin('standup', 'meetflow-recorder'))!;
  const started: TrackPart[] = [];
  const finished: TrackPart[] = [];
  const asked: string[] = [];
  const origin = Date.now();
  const recorder = await RoomRecorder.join({
    ...join,
    dir: mkdtempSync(path.join(os.tmpdir(), 'meetflow-room-recorder-')),
    origin,
    lastParts: new Map([['ada', 2]]),
    mayRecord: (identity) => {
      asked.push(identity);
      return identity !== 'carl';
    },
    onPartStarted: async (part) => void started.push({ ...part }),
    onPartFinished: async (part) => void finished.push({ ...part }),
  });
  const enter = async (identity: string, name: string) => (await Speaker.join(livekit.url, await speakerToken(livekit, 'standup', identity, name))).speaker;

  let ada = await enter('ada', 'Ada Lovelace');
  const carl = await enter('carl', 'Carl Private');
  await waitFor("Ada's part", () => started.some((p) => p.identity === 'ada'), 30_000, 50);
  const phrase = speech('The numbers for October are in the shared folder.', 'en-us');
  const said = await ada.say(phrase);
  await carl.say(speech('Please do not record what I say.', 'en-gb'));
  await sleep(800);

  // The recorder is nobody in the room: people and the provider's room state do not list it.
  expect((await provider.roomState('standup')).participants.map((p) => p.identity).sort()).toEqual(['ada', 'carl']);

  await ada.leave();
  await waitFor("Ada's part to end", () => finished.some((p) => p.identity === 'ada'), 30_000, 50);
  ada = await enter('ada', 'Ada Lovelace');
  await waitFor("Ada's next part", () => started.filter((p) => p.identity === 'ada').length === 2, 30_000, 50);
  await sleep(500);

  // Closing the room (the meeting's end) ends the recorder: every part is finished, and it says the room is gone.
  await provider.closeRoom('standup');
  expect(await recorder.exited).toEqual({ closed: true, reason: 'ROOM_DELETED' });
  await Promise.all([ada.leave(), carl.leave()]);

  expect(asked.sort()).toEqual(['ada', 'ada', 'carl']);
  expect(finished.map((p) => [p.identity, p.name, p.part])).toEqual([
    ['ada', 'Ada Lovelace', 3],
    ['ada', 'Ada Lovelace', 4],
  ]);
  const [first, second] = finished;
  expect(second.offsetMs).toBeGreaterThanOrEqual(first.offsetMs + first.durationMs!);
  const heard = locate(phrase, said.startedAt - origin, readWavSamples(first.filePath), first.offsetMs);
  console.log(`room recorder: lag and slip (ms) and loudness-envelope correlation: ${JSON.stringify(heard)}`);
  expect({ startWithin150ms: Math.abs(heard.wholeLagMs) <= 150, correlationAtLeast09: heard.correlation >= 0.9 }).toEqual({
    startWithin150ms: true,
    correlationAtLeast09: true,
  });
});

test('the room still closes when everyone has left: the recorder does not keep it open', async () => {
  await provider.openRoom({ roomName: 'quick', maxParticipants: 10, emptyTimeoutSeconds: 60 });
  const recorder = await RoomRecorder.join({ ...(await provider.recorderJoin('quick', 'meetflow-recorder'))!, dir: mkdtempSync(path.join(os.tmpdir(), 'meetflow-room-recorder-')), origin: Date.now() });
  const { speaker } = await Speaker.join(livekit.url, await speakerToken(livekit, 'quick', 'ben', 'Ben'));
  await waitFor('the recorder to record Ben', () => recorder.activeParts.length === 1, 30_000, 50);
  await speaker.leave();
  expect(await recorder.exited).toEqual({ closed: true, reason: 'ROOM_CLOSED' });
  expect(recorder.finishedParts.map((p) => p.identity)).toEqual(['ben']);
});

test('someone who declines while recorded: their part ends at the next check and nothing more is written; saying yes again starts a new part', async () => {
  await provider.openRoom({ roomName: 'withdraw', maxParticipants: 10, emptyTimeoutSeconds: 60 });
  const declined = new Set<string>();
  const started: TrackPart[] = [];
  const finished: TrackPart[] = [];
  const origin = Date.now();
  const recorder = await RoomRecorder.join({
    ...(await provider.recorderJoin('withdraw', 'meetflow-recorder'))!,
    dir: mkdtempSync(path.join(os.tmpdir(), 'meetflow-room-recorder-')),
    origin,
    mayRecord: (identity) => !declined.has(identity),
    onPartStarted: async (part) => void started.push({ ...part }),
    onPartFinished: async (part) => void finished.push({ ...part }),
  });
  const { speaker: dora } = await Speaker.join(livekit.url, await speakerToken(livekit, 'withdraw', 'dora', 'Dora Doubt'));
  await waitFor("Dora's part", () => started.length === 1, 30_000, 50);
  await dora.say(speech('This part may be recorded.', 'en-us'));

  declined.add('dora');
  await recorder.resubscribe();
  await waitFor("Dora's part to end", () => finished.length === 1, 15_000, 50);
  const after = await dora.say(speech('This part must not be recorded.', 'en-us'));
  await recorder.resubscribe();
  await sleep(500);
  expect(started.map((p) => p.part)).toEqual([1]);
  expect(finished[0].offsetMs + finished[0].durationMs!).toBeLessThan(after.startedAt - origin);

  declined.delete('dora');
  await recorder.resubscribe();
  await waitFor("Dora's next part", () => started.length === 2, 30_000, 50);
  await provider.closeRoom('withdraw');
  await recorder.exited;
  await dora.leave();
  expect(finished.map((p) => [p.identity, p.part])).toEqual([
    ['dora', 1],
    ['dora', 2],
  ]);
});
