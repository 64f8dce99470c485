import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { readChatLog } from '../../integrations/chat/log';
import { signUp, startApiStack, type ApiStack } from '../helpers/api';
import { formSessionCookie, openBrowser, signInOnPage } from '../helpers/browser';
import { playRecordedMeeting, vttOf } from '../helpers/meeting';
import { ROOT } from '../helpers/temporal';
import { testWorld, type TestWorld } from '../helpers/worker';

// The meeting page in a real Chromium: the link in the recap DM, sign-in, the meeting in the person's list, its
// summary, action items and transcript; an item marked done on the page is done for the API too.
const OUTPUT = path.join(ROOT, 'test-output', 'meeting-page');

let stack: ApiStack;
let world: TestWorld;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  world = testWorld('meeting-page');
  stack = await startApiStack(world);
}, 120_000);

afterAll(async () => {
  await Promise.all(contexts.map((context) => context.close()));
  await stack?.stop();
});

async function browser(viewport = { width: 390, height: 844 }): Promise<Page> {
  const { context, page } = await openBrowser({ viewport });
  contexts.push(context);
  return page;
}

const shoot = (page: Page, name: string) => page.screenshot({ path: path.join(OUTPUT, `${name}.png`), fullPage: true });

test('from the recap DM to the meeting page: read it, search the transcript, mark my item done, and the API agrees', async () => {
  const { api, env } = stack;
  const host = await signUp(api, 'Nora Host');
  const bob = await signUp(api, 'Bob Builder');
  const due = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
  const { meeting, workflowId } = (
    await api.call('POST', '/meetings', { token: host.token, body: { title: 'Launch review', start: new Date(Date.now() + 1000).toISOString(), invitees: [bob.user.email], settings: { reminderMinutesBefore: 0 } } })
  ).body;
  await playRecordedMeeting(env.client.workflow.getHandle(workflowId), world.dataDir, [{ id: host.user.id }, { id: bob.user.id }], vttOf([
    ['Nora Host', 'Welcome to the launch review. The campaign numbers look excellent this quarter.'],
    ['Bob Builder', 'We decided to launch the campaign in Berlin first.'],
    ['Nora Host', 'Good. The budget for Berlin stays as planned.'],
    ['Bob Builder', `I will prepare the press kit by ${due}.`],
  ]));

  // Bob's recap DM links to the page.
  const recap = (await readChatLog(world.dataDir)).find((dm) => dm.to === bob.user.email && dm.key.startsWith('results:'))!;
  const notesPath = `/meetings/${meeting.id}/notes`;
  expect(recap.text).toContain(`${world.cfg.PUBLIC_URL}${notesPath}`);

  // Signed out, the link asks to sign in and comes back.
  const page = await browser();
  await signInOnPage(page, `${api.url}${notesPath}`, bob.user.email);

  // His list has it; he opens it from there.
  await page.goto(`${api.url}/home`);
  await shoot(page, 'my-meetings');
  await page.getByRole('link', { name: 'Launch review' }).click();
  await page.waitForURL(`${api.url}${notesPath}`);
  await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Launch review');
  await expect(page.getByRole('main').count()).resolves.toBe(1);
  const section = (name: string) => page.getByRole('region', { name });
  await expect(section('Who came').locator('li').allInnerTexts()).resolves.toEqual([expect.stringMatching(/^Nora Host \(host\)/), expect.stringMatching(/^Bob Builder/)]);
  await expect(section('Summary').innerText()).resolves.toMatch(/launch the campaign in Berlin/);
  const item = section('Action items').locator('li', { hasText: /press kit/i });
  await expect(item.innerText()).resolves.toMatch(new RegExp(`Bob Builder · due ${due} · open`));
  await expect(section('Your report').innerText()).resolves.toMatch(/You spoke/);

  // The item links to the moment it was said.
  await item.getByRole('link', { name: /In the transcript at/ }).click();
  const target = page.locator('.transcript li:target');
  await expect(target.innerText()).resolves.toMatch(/Bob Builder: I will prepare the press kit/);

  // The transcript filters as he types.
  await page.getByLabel('Search the transcript').fill('berlin');
  await expect(page.locator('#transcript-count').innerText()).resolves.toBe('2 lines match');
  await expect(page.locator('.transcript li:visible').count()).resolves.toBe(2);
  await shoot(page, 'meeting');

  // The host sees Bob's open item among those of meetings they host.
  const hostPage = await browser({ width: 1280, height: 800 });
  await signInOnPage(hostPage, `${api.url}/login?next=${encodeURIComponent('/home/action-items')}`, host.user.email, `${api.url}/home/action-items`);
  await expect(hostPage.getByRole('region', { name: 'In meetings I host, by person' }).innerText()).resolves.toMatch(/Bob Builder\s+prepare the press kit[^\n]*Launch review/i);
  await shoot(hostPage, 'action-items');

  // Bob marks it done with the keyboard; the page shows it done, and so does the API.
  await item.getByRole('button', { name: /done/i }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/#item-/);
  await expect(section('Action items').locator('li', { hasText: /press kit/i }).innerText()).resolves.toMatch(/· done/);
  await expect(section('Action items').getByRole('button', { name: /done/i }).count()).resolves.toBe(0);
  const items = (await api.call('GET', `/meetings/${meeting.id}/action-items`, { token: bob.token })).body.actionItems;
  expect(items.find((entry: { title: string }) => /press kit/i.test(entry.title))).toMatchObject({ status: 'completed' });
  await shoot(page, 'meeting-item-done');
}, 240_000);

test('the page is for people in the meeting: a stranger gets 404, a forged form post is refused', async () => {
  const { api, env } = stack;
  const host = await signUp(api, 'Hana Host');
  const stranger = await signUp(api, 'Stan Stranger');
  const { meeting, workflowId } = (await api.call('POST', '/meetings', { token: host.token, body: { title: 'Board only', start: new Date(Date.now() + 1000).toISOString(), settings: { reminderMinutesBefore: 0 } } })).body;
  await playRecordedMeeting(env.client.workflow.getHandle(workflowId), world.dataDir, [{ id: host.user.id }], vttOf([['Hana Host', 'I will send the board pack by Friday.']]));
  const [item] = (await api.call('GET', `/meetings/${meeting.id}/action-items`, { token: host.token })).body.actionItems;

  const session = (email: string) => formSessionCookie(api.url, email);
  const strangerCookie = await session(stranger.user.email);
  const page = await fetch(`${api.url}/meetings/${meeting.id}/notes`, { headers: { cookie: strangerCookie } });
  expect([page.status, (await page.text()).includes('Board only')]).toEqual([404, false]);
  const done = (cookie: string, origin?: string) =>
    fetch(`${api.url}/meetings/${meeting.id}/notes/action-items/${item.id}/done`, { method: 'POST', redirect: 'manual', headers: { cookie, ...(origin ? { origin } : {}) } });
  expect((await done(strangerCookie)).status).toBe(404);
  const malformed = await fetch(`${api.url}/meetings/${meeting.id}/notes/action-items/not-an-id%00/done`, { method: 'POST', redirect: 'manual', headers: { cookie: strangerCookie } });
  expect(malformed.status).toBe(404);
  expect((await done(await session(host.user.email), 'https://evil.test')).status).toBe(403);
  expect((await api.call('GET', `/meetings/${meeting.id}/action-items`, { token: host.token })).body.actionItems[0].status).toBe('open');
});
