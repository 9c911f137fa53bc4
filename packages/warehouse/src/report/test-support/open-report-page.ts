import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** An open report page, with every request it made and every non-file request it was refused. */
export interface OpenReportPage {
  readonly page: Page;
  readonly requests: readonly string[];
  readonly blocked: readonly string[];
  readonly errors: readonly string[];
  close(): Promise<void>;
}

/**
 * Opens a report file in headless Chromium (/usr/bin/chromium) with the network refused, and
 * waits until the page script says its charts are drawn.
 */
export async function openReportPage(file: string, profileParent: string): Promise<OpenReportPage> {
  const context = await chromium.launchPersistentContext(mkdtempSync(join(profileParent, 'profile-')), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1100, height: 900 },
  });
  try {
    const page = await context.newPage();
    const requests: string[] = [];
    const blocked: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => errors.push(error.message));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
      blocked.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(
      () =>
        (window as unknown as { __TRIBUTARY_CHARTS_READY__?: boolean }).__TRIBUTARY_CHARTS_READY__ === true,
    );
    return { page, requests, blocked, errors, close: () => context.close() };
  } catch (error) {
    await context.close();
    throw error;
  }
}
