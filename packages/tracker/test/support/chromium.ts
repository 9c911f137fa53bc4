import { existsSync } from 'node:fs';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's chromium; CI installs it (`.ci/run`). */
export const CHROMIUM = '/usr/bin/chromium';

/** Skip browser tests only outside CI when the browser is missing; in CI a missing browser fails. */
export const chromiumMissing = !existsSync(CHROMIUM) && !process.env.CI;

/** Headless Chromium with a profile in `profileDir` (IndexedDB and localStorage survive navigations). */
export function launchChromium(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
