import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { RoomServiceClient, TrackType } from 'livekit-server-sdk';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { waitForPhase } from '../../clients/video-events';
import { Room } from '../../db/entities';
import { statusQuery, type MeetingStatus } from '../../workflows/messages';
import { signUp, type TestApi } from '../helpers/api';
import { startLiveKitStack, type LiveKitStack } from '../helpers/livekit';
import { ROOT } from '../helpers/temporal';
import { waitFor } from '../helpers/wait';

// The join page in a real Chromium (Debian's), two people with their own voices (espeak-ng WAVs as fake
// microphones): they sign in, open the link from their invite, join the real LiveKit room, see each other and the
// recording notice, and leave; LiveKit's own webhooks move the meeting from live to processing.
const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = path.join(ROOT, 'test-output', 'join-page');
const PASSWORD = 'correct horse battery';

let stack: LiveKitStack;
let env: TestWorkflowEnvironment;
let api: TestApi;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  stack = await startLiveKitStack('join-page', {}, { departureTimeoutSeconds: 1 });
  ({ env, api } = stack);
}, 120_000);

afterAll(async () => {
  await Promise.all(contexts.map((context) => context.close()));
  await stack?.stop();
});

/** A WAV of this voice saying this, for Chromium's fake microphone. */
function voice(file: string, espeakVoice: string, text: string): string {
  const wav = path.join(OUTPUT, file);
  execFileSync('espeak-ng', ['-v', espeakVoice, '-s', '150', '-w', wav, text]);
  return wav;
}

/** One person's browser: its own profile, and its own voice as the microphone. */
async function browserFor(wav: string, viewport: { width: number; height: number }): Promise<Page> {
  const context = await chromium.launchPersistentContext(mkdtempSync(path.join(os.tmpdir(), 'meetflow-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${wav}`,
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  contexts.push(context);
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  return page;
}

/** The page's list of people, as it reads. */
const peopleOn = (page: Page) => page.locator('#people li').allInnerTexts();

async function signInThroughTheLink(page: Page, link: string, email: string): Promise<void> {
  await page.goto(link);
  // Not signed in: the link leads to the sign-in form, and back to the meeting after it.
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(link);
}

test('two people sign in, join the room from their link, see each other and the recording notice, and leave; the meeting moves on', async () => {
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

  const lena = await browserFor(voice('lena.wav', 'en-us+f3', 'Hello Gabe, this is Lena. Let us review the roadmap and ship the video feature.'), { width: 1280, height: 800 });
  const gabe = await browserFor(voice('gabe.wav', 'en-gb+m3', 'Hi Lena, Gabe here. I will record the demo by Friday.'), { width: 390, height: 844 });
  await signInThroughTheLink(lena, link, host.user.email);
  await signInThroughTheLink(gabe, link, guest.user.email);

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

  // On the server: both in the room, each publishing one microphone track.
  const rooms = new RoomServiceClient(stack.livekit.url.replace('ws:', 'http:'), stack.livekit.apiKey, stack.livekit.apiSecret);
  const onServer = await rooms.listParticipants(roomName);
  expect(onServer.map((p) => [p.name, p.tracks.filter((track) => track.type === TrackType.AUDIO).length]).sort()).toEqual([
    ['Gabe Guest', 1],
    ['Lena Host', 1],
  ]);
  // ...and the meeting knows, from LiveKit's webhooks.
  await waitFor('both to be present in the meeting', async () => (await handle.query(statusQuery)).participants.filter((p) => p.present).length === 2, 20_000, 200);

  // Gabe mutes: Lena's page says so.
  await gabe.getByRole('button', { name: 'Mute microphone' }).click();
  await waitFor("Lena's page to show Gabe muted", async () => (await peopleOn(lena)).includes('Gabe Guest · muted'), 15_000);
  await gabe.getByRole('button', { name: 'Unmute microphone' }).click();

  await lena.screenshot({ path: path.join(OUTPUT, 'room-desktop.png'), fullPage: true });
  await gabe.screenshot({ path: path.join(OUTPUT, 'room-phone.png'), fullPage: true });

  // ---- When the recorder lands (issue 13, the other half): assert here that each person's own track was recorded
  // ---- (one file per participant, the right voice in each), e.g. from the recordings rows of this meeting.

  for (const page of [lena, gabe]) {
    await page.getByRole('button', { name: 'Leave' }).click();
    await waitFor('the page to say so', async () => (await page.locator('#state').innerText()) === 'You have left the meeting.', 10_000);
  }

  // The room empties; LiveKit finishes it (1 s departure timeout) and the meeting leaves 'live'.
  await waitForPhase(handle, ['processing', 'completed']);
  const status = (await handle.query(statusQuery)) as MeetingStatus;
  expect(status.endReason).toBe('the room closed');
  expect(status.participants.map((p) => [p.name, p.present]).sort()).toEqual([
    ['Gabe Guest', false],
    ['Lena Host', false],
  ]);
  expect(await rooms.listRooms([roomName])).toEqual([]);
  // The Egress stand-in never finishes its recording: stop the meeting here rather than wait out its grace period.
  await handle.terminate('test finished');
}, 180_000);

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

  const login = await fetch(`${api.url}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email: stranger.user.email, password: PASSWORD, next: 'https://evil.test/' }) });
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

  const crossSite = await fetch(`${api.url}/logout`, { method: 'POST', redirect: 'manual', headers: { cookie: session, origin: 'https://evil.test' } });
  expect(crossSite.status).toBe(403);
  const logout = await fetch(`${api.url}/logout`, { method: 'POST', redirect: 'manual', headers: { cookie: session } });
  expect(logout.status).toBe(303);
  expect((await fetch(link, { headers: { cookie: session }, redirect: 'manual' })).status).toBe(302);
});
