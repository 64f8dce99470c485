import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (npm test installs it when missing). */
export const CHROMIUM = '/usr/bin/chromium';

export interface BrowserOptions {
  viewport: { width: number; height: number };
  /** A WAV file the fake microphone plays (in a loop), for pages that use the microphone. */
  microphone?: string;
}

/** One person's headless Chromium with a profile of its own; page errors go to the test's output. */
export async function openBrowser(options: BrowserOptions): Promise<{ context: BrowserContext; page: Page }> {
  const media = options.microphone
    ? ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${options.microphone}`, '--autoplay-policy=no-user-gesture-required']
    : [];
  const context = await chromium.launchPersistentContext(mkdtempSync(path.join(os.tmpdir(), 'meetflow-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: options.viewport,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...media],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  return { context, page };
}

/** The password `signUp` (test/helpers/api.ts) gives every test account. */
export const TEST_PASSWORD = 'correct horse battery';

/** Opens `url` signed out, fills the sign-in form it leads to, and waits to be back at `landing` (default: `url`). */
export async function signInOnPage(page: Page, url: string, email: string, landing = url): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(landing);
}

/** Signs in through the form as a browser posts it (no browser); returns the session cookie (`name=value`). */
export async function formSessionCookie(apiUrl: string, email: string): Promise<string> {
  const login = await fetch(`${apiUrl}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email, password: TEST_PASSWORD, next: '/' }) });
  if (login.status !== 303) throw new Error(`sign-in as ${email} answered ${login.status}, not 303`);
  return login.headers.get('set-cookie')!.split(';')[0];
}
