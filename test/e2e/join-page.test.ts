import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { RoomServiceClient, TrackType } from 'livekit-server-sdk';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { waitForPhase } from '../../clients/video-events';
import { Recording, RecordingTrack, Room, Transcript } from '../../db/entities';
import { readChatLog } from '../../integrations/chat/log';
import { releaseRecorderRuntime } from '../../integrations/video/recorder/room-recorder';
import { readWavSamples, WavWriter } from '../../integrations/video/recorder/wav';
import { statusQuery, type MeetingStatus } from '../../workflows/messages';
import { signUp, type TestApi } from '../helpers/api';
import { formSessionCookie, openBrowser, signInOnPage, TEST_PASSWORD } from '../helpers/browser';
import { startLiveKitStack, type LiveKitStack } from '../helpers/livekit';
import { RELEASE_NOTES_HEARD } from '../helpers/speakers';
import { ROOT } from '../helpers/temporal';
import { waitFor } from '../helpers/wait';

// The headline, in a real Chromium (Debian's): two people with their own voices (espeak-ng WAVs as fake
// microphones) sign in, open the link from their invite, join the real LiveKit room, see each other and the
// recording notice, talk, and leave. LiveKit's own webhooks move the meeting on; Meetflow's recorder has each
// voice in a file of its own; local Whisper transcribes each under its speaker's real name; each gets a DM with
// what they said and what they took on.
const OUTPUT = path.join(ROOT, 'test-output', 'join-page');

let stack: LiveKitStack;
let env: TestWorkflowEnvironment;
let api: TestApi;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  // Meetflow's own recorder (the embedded default with a local LiveKit), and local Whisper for the words.
  stack = await startLiveKitStack('join-page', { RECORDER: 'tracks', TRANSCRIPTION_PROVIDER: 'local' }, { departureTimeoutSeconds: 1 });
  ({ env, api } = stack);
}, 120_000);

afterAll(async () => {
  await Promise.all(contexts.map((context) => context.close()));
  await stack?.stop();
  // The recorder ran in this process (the test's worker): end LiveKit's native runtime, or the process stays.
  await releaseRecorderRuntime();
});

/**
 * A WAV of this voice saying this once, for Chromium's fake microphone: eight seconds of silence (the file starts
 * playing when the page takes the microphone; a margin before the words, kept although the stored transcripts of
 * 16 runs showed every word recorded whole, the misses being Whisper's hearing), the words, then a
 * minute of silence, because Chromium plays the file in a loop (a phrase said over and over is not a meeting:
 * Whisper rightly takes a long run of one repeated sentence for a hallucination and drops it).
 */
const LEAD_SILENCE_SECONDS = 8;

function voice(file: string, espeakVoice: string, text: string): string {
  const spoken = path.join(OUTPUT, `spoken-${file}`);
  execFileSync('espeak-ng', ['-v', espeakVoice, '-s', '150', '-w', spoken, text]);
  const { sampleRate, samples } = readWavSamples(spoken);
  const wav = path.join(OUTPUT, file);
  const writer = new WavWriter(wav, { sampleRate, channels: 1 });
  writer.write(new Int16Array(sampleRate * LEAD_SILENCE_SECONDS));
  writer.write(samples);
  writer.write(new Int16Array(sampleRate * 60));
  writer.close();
  return wav;
}

/** One person's browser, with their own voice as the microphone. */
async function browserFor(wav: string, viewport: { width: number; height: number }): Promise<Page> {
  const { context, page } = await openBrowser({ viewport, microphone: wav });
  contexts.push(context);
  return page;
}

/** The page's list of people, as it reads. */
const peopleOn = (page: Page) => page.locator('#people li').allInnerTexts();


test('two people join from their link in a browser, talk, and leave; each finds their own words in their DM', async () => {
  const host = await signUp(api, 'Lena Host');
  const guest = await signUp(api, 'Gabe Guest');
  const created = await api.call('POST', '/meetings', {
    token: host.token,
    body: { title: 'Roadmap review', start: new Date(Date.now() + 1000).toISOString(), invitees: [guest.user.email], settings: { autoRecord: true, reminderMinutesBefore: 0 } },
  });
  const { meeting, workflowId } = created.body;
  const handle = env.client.workflow.getHandle(workflowId);
  await waitForPhase(handle, ['live']);
  const roomName = (await stack.orm.em.fork().findOneOrFail(Room, meeting.id)).livekitRoomName;

  // The link in the guest's invite is this meeting's page.
  const link = `${api.url}/meetings/${meeting.id}/room`;
  const invite = (await stack.orm.em.fork().getConnection().execute<{ message: string }[]>(`select message from notifications where user_id = ? and type = 'meeting_invite'`, [guest.user.id]))[0];
  expect(invite.message).toContain(`${stack.world.cfg.PUBLIC_URL}/meetings/${meeting.id}/room`);

  const lena = await browserFor(voice('lena.wav', 'en-us', 'Hello everyone, this is Lena. We will ship the new website on Monday.'), { width: 1280, height: 800 });
  const gabe = await browserFor(voice('gabe.wav', 'en-us+m3', 'Thanks Lena. I will write the release notes by Friday.'), { width: 390, height: 844 });
  // Not signed in: the link leads to the sign-in form, and back to the meeting after it.
  await signInOnPage(lena, link, host.user.email);
  await signInOnPage(gabe, link, guest.user.email);

  for (const page of [lena, gabe]) {
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Roadmap review');
    await expect(page.locator('#recording-notice').innerText()).resolves.toMatch(/^This meeting is recorded\./);
    await expect(page.getByRole('main').count()).resolves.toBe(1);
  }

  // Lena joins with the mouse, Gabe (on a phone-sized screen) with the keyboard.
  await lena.getByRole('button', { name: 'Join the meeting' }).click();
  await gabe.getByRole('button', { name: 'Join the meeting' }).focus();
  await gabe.keyboard.press('Enter');

  const both = ['Gabe Guest', 'Lena Host'];
  for (const [page, me] of [[lena, 'Lena Host'], [gabe, 'Gabe Guest']] as const) {
    let seen: string[] = [];
    await waitFor(`${me}'s page to list both, microphones on`, async () => {
      seen = await peopleOn(page);
      return seen.map((line) => line.replace(' (you)', '')).sort().join('|') === both.join('|');
    }, 30_000).catch((error: Error) => {
      throw new Error(`${error.message}; the page lists ${JSON.stringify(seen)}`);
    });
    expect(seen).toContain(`${me} (you)`);
    await expect(page.locator('#state').innerText()).resolves.toBe('You are in the meeting.');
  }

  // On the server: both in the room, each publishing one microphone track (and the hidden recorder, publishing nothing).
  const rooms = new RoomServiceClient(stack.livekit.url.replace('ws:', 'http:'), stack.livekit.apiKey, stack.livekit.apiSecret);
  const onServer = await rooms.listParticipants(roomName);
  expect(onServer.filter((p) => p.identity !== 'meetflow-recorder').map((p) => [p.name, p.tracks.filter((track) => track.type === TrackType.AUDIO).length]).sort()).toEqual([
    ['Gabe Guest', 1],
    ['Lena Host', 1],
  ]);
  // ...and the meeting knows, from LiveKit's webhooks.
  await waitFor('both to be present in the meeting', async () => (await handle.query(statusQuery)).participants.filter((p) => p.present).length === 2, 20_000, 200);

  // Both talk: each says their piece once (the fake microphones start when they join).
  // Gabe mutes next, so his words must be in first. A part's recorded time runs from its start in the store, which
  // comes up to seven seconds before Chromium's file starts playing (his words are at about 15-19 s of his part):
  // waiting until 30 s keeps the mute well clear of them. The file is silent for a minute after the words.
  await waitFor(`both to be recorded for ${LEAD_SILENCE_SECONDS + 22} s`, async () => {
    const seconds = await recordedSeconds(meeting.id);
    return seconds.length === 2 && seconds.every((s) => s >= LEAD_SILENCE_SECONDS + 22);
  }, 90_000, 500);

  // Gabe mutes: Lena's page says so.
  await gabe.getByRole('button', { name: 'Mute microphone' }).click();
  await waitFor("Lena's page to show Gabe muted", async () => (await peopleOn(lena)).includes('Gabe Guest · muted'), 15_000);
  await gabe.getByRole('button', { name: 'Unmute microphone' }).click();

  await lena.screenshot({ path: path.join(OUTPUT, 'room-desktop.png'), fullPage: true });
  await gabe.screenshot({ path: path.join(OUTPUT, 'room-phone.png'), fullPage: true });

  for (const page of [lena, gabe]) {
    await page.getByRole('button', { name: 'Leave' }).click();
    await waitFor('the page to say so', async () => (await page.locator('#state').innerText()) === 'You have left the meeting.', 10_000);
  }

  // The room empties; LiveKit finishes it (1 s departure timeout); the meeting is processed and completes.
  const status = (await handle.result()) as MeetingStatus;
  expect({ phase: status.phase, endReason: status.endReason }).toEqual({ phase: 'completed', endReason: 'the room closed' });
  expect(status.participants.map((p) => [p.name, p.present]).sort()).toEqual([
    ['Gabe Guest', false],
    ['Lena Host', false],
  ]);
  expect(await rooms.listRooms([roomName])).toEqual([]);

  // Each voice was recorded in its own file, and transcribed under its own speaker's name.
  const db = stack.orm.em.fork();
  const tracks = await db.find(RecordingTrack, { recording: { room: meeting.id } });
  expect(new Set(tracks.map((track) => `${track.name}:${track.status}`))).toEqual(new Set(['Lena Host:complete', 'Gabe Guest:complete']));
  const transcript = await db.findOneOrFail(Transcript, { room: meeting.id });
  const said = (name: string) => transcript.segments.filter((segment) => segment.speaker === name).map((segment) => segment.text).join(' ');
  const [lenasWords, gabesWords] = [/web ?site.*monday/i, RELEASE_NOTES_HEARD];
  expect({ lenaSaidHers: lenasWords.test(said('Lena Host')), gabeSaidHis: gabesWords.test(said('Gabe Guest')) }).toEqual({ lenaSaidHers: true, gabeSaidHis: true });
  expect({ lenaSaidGabes: gabesWords.test(said('Lena Host')), gabeSaidLenas: lenasWords.test(said('Gabe Guest')) }).toEqual({ lenaSaidGabes: false, gabeSaidLenas: false });

  // ...and each has a DM: Gabe's lists the release notes he took on, Lena's quotes her own words back to her.
  const dms = (await readChatLog(stack.world.dataDir)).filter((dm) => dm.key.includes('results'));
  const dmTo = (email: string) => dms.filter((dm) => dm.to === email).map((dm) => dm.text);
  expect(dmTo(guest.user.email)).toHaveLength(1);
  expect(dmTo(host.user.email)).toHaveLength(1);
  expect(dmTo(guest.user.email)[0]).toMatch(/Your action items:\n• [^\n]*release/i);
  expect(dmTo(host.user.email)[0]).toMatch(/Key contributions:\n(• .*\n)*• [^\n]*web ?site/i);
}, 360_000);

/** Seconds of audio recorded so far per person in this meeting (from the parts' offsets in the store and now). */
async function recordedSeconds(meetingId: string): Promise<number[]> {
  const db = stack.orm.em.fork();
  const recording = await db.findOne(Recording, { room: meetingId });
  if (!recording?.startedAt) return [];
  const tracks = await db.find(RecordingTrack, { recording });
  const now = Date.now() - recording.startedAt.getTime();
  const byPerson = new Map<string, number>();
  for (const track of tracks) byPerson.set(track.identity, (byPerson.get(track.identity) ?? 0) + ((track.durationMs ?? now - track.offsetMs) / 1000));
  return [...byPerson.values()];
}

test('the page is only for people in the meeting: signed out it asks to sign in, a stranger gets 404', async () => {
  const host = await signUp(api, 'Hedda Host');
  const stranger = await signUp(api, 'Stan Stranger');
  const { meeting } = (await api.call('POST', '/meetings', { token: host.token, body: { title: 'Private', start: new Date(Date.now() + 3_600_000).toISOString() } })).body;
  const link = `${api.url}/meetings/${meeting.id}/room`;

  const signedOut = await fetch(link, { redirect: 'manual' });
  expect([signedOut.status, signedOut.headers.get('location')]).toEqual([302, `/login?next=${encodeURIComponent(`/meetings/${meeting.id}/room`)}`]);

  const wrong = await fetch(`${api.url}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email: stranger.user.email, password: 'not the password', next: '/x' }) });
  expect(wrong.status).toBe(401);
  expect(await wrong.text()).toContain('Email or password is wrong');

  const login = await fetch(`${api.url}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email: stranger.user.email, password: TEST_PASSWORD, next: 'https://evil.test/' }) });
  expect([login.status, login.headers.get('location')]).toEqual([303, '/']);
  const cookie = login.headers.get('set-cookie')!;
  expect(cookie).toMatch(/^meetflow_session=[\w-]{40,}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
  const session = cookie.split(';')[0];

  const page = await fetch(link, { headers: { cookie: session } });
  expect(page.status).toBe(404);
  expect(await page.text()).toContain(`No meeting ${meeting.id} among yours`);
  const token = await fetch(`${link}/token`, { headers: { cookie: session } });
  expect([token.status, ((await token.json()) as { code: string }).code]).toEqual([404, 'not_found']);
  // The API says the same to the same person.
  expect((await api.call('GET', `/meetings/${meeting.id}/join`, { token: stranger.token })).status).toBe(404);

  // The host's page says what the workflow will do: Meetflow's recorder records unless the meeting turned it off.
  const hostSession = await formSessionCookie(api.url, host.user.email);
  const { meeting: unrecorded } = (await api.call('POST', '/meetings', { token: host.token, body: { title: 'Off the record', start: new Date(Date.now() + 3_600_000).toISOString(), settings: { autoRecord: false } } })).body;
  const noticeOn = async (id: string) => /<p[^>]*id="recording-notice">(?:<strong>)?([^<]*)/.exec(await (await fetch(`${api.url}/meetings/${id}/room`, { headers: { cookie: hostSession } })).text())?.[1];
  expect({ byDefault: await noticeOn(meeting.id), turnedOff: await noticeOn(unrecorded.id) }).toEqual({ byDefault: 'This meeting is recorded.', turnedOff: 'This meeting is not recorded.' });

  const crossSite = await fetch(`${api.url}/logout`, { method: 'POST', redirect: 'manual', headers: { cookie: session, origin: 'https://evil.test' } });
  expect(crossSite.status).toBe(403);
  const logout = await fetch(`${api.url}/logout`, { method: 'POST', redirect: 'manual', headers: { cookie: session } });
  expect(logout.status).toBe(303);
  expect((await fetch(link, { headers: { cookie: session }, redirect: 'manual' })).status).toBe(302);
});
