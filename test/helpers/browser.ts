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
