// Chromium through playwright-core, as the browser tests use it: the system's /usr/bin/chromium
// (scripts/install-system-deps.sh installs it), headless, with nothing running in the background.
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

/** Where the browser tests expect Chromium. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Whether Chromium is installed; browser tests skip themselves (describe.skipIf) when it is not. */
export const haveChromium: boolean = existsSync(CHROMIUM_PATH);

/** Why a browser test is skipped, for its describe title ('' when Chromium is there). */
export const chromiumSkipReason: string = haveChromium
  ? ''
  : ` (no ${CHROMIUM_PATH}: run scripts/install-system-deps.sh)`;

/**
 * Launches headless Chromium. playwright-core is imported only here, so a file that skips its
 * browser tests does not load it. Close the browser in afterAll.
 */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
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
