import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumSkipReason, haveChromium, launchChromium } from '@parley/test-support';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ChatServer, startChatServer } from '../src/chat-server.js';
import { bundlePage } from './page-bundle.js';

const artifacts = fileURLToPath(new URL('../test-artifacts/', import.meta.url));

let browser: Browser;
let publicDir: string;
let servers: ChatServer[] = [];

async function start(port = 0): Promise<ChatServer> {
  const started = await startChatServer({ port, host: '127.0.0.1', publicDir });
  if (!started.ok) throw new Error(started.error.message);
  servers.push(started.value);
  return started.value;
}

async function enter(page: Page, url: string, nick: string): Promise<void> {
  await page.goto(url);
  await page.fill('#nick', nick);
  await page.click('#nick-form button[type=submit]');
  await page.locator('.notice', { hasText: `you joined #lobby as ${nick}` }).waitFor();
}

describe.skipIf(!haveChromium)(`the chat page in Chromium${chromiumSkipReason}`, () => {
  beforeAll(async () => {
    publicDir = mkdtempSync(join(tmpdir(), 'parley-chat-web-'));
    await bundlePage(publicDir);
    mkdirSync(artifacts, { recursive: true });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(publicDir, { recursive: true, force: true });
  });

  afterEach(async () => {
    for (const context of browser.contexts()) await context.close();
    await Promise.all(servers.map((s) => s.stop()));
    servers = [];
  });

  it('two pages join the same room; one posts, the other sees `nick: text`', async () => {
    const server = await start();
    const alicePage = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const bobPage = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await enter(alicePage, server.pageUrl, 'alice');
    await enter(bobPage, server.pageUrl, 'bob');

    await alicePage.fill('#input', 'hello from the browser');
    await alicePage.press('#input', 'Enter');
    const seenByBob = bobPage.locator('.message', { hasText: 'alice: hello from the browser' });
    await seenByBob.waitFor();
    expect(await seenByBob.textContent()).toMatch(/alice: hello from the browser$/);

    await bobPage.fill('#input', 'hi alice, this is bob on a phone');
    await bobPage.press('#input', 'Enter');
    await alicePage.locator('.message', { hasText: 'bob: hi alice, this is bob on a phone' }).waitFor();
    await alicePage.locator('#online-list li', { hasText: 'bob' }).waitFor();
    expect(await alicePage.locator('#online-count').textContent()).toBe('2');

    await alicePage.screenshot({ path: join(artifacts, 'chat-desktop.png') });
    await bobPage.screenshot({ path: join(artifacts, 'chat-phone.png') });
  }, 60_000);

  it('shows the reconnect indicator while the server is down and rejoins when it is back', async () => {
    const server = await start();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await enter(page, server.pageUrl, 'carol');
    const port = server.port;
    await server.stop();
    servers = [];
    await page.locator('#status', { hasText: 'reconnecting' }).waitFor();
    await start(port);
    await page.locator('#status', { hasText: 'online' }).waitFor();
    await page.locator('.notice', { hasText: 'you joined #lobby as carol' }).waitFor();
    await page.fill('#input', 'back again');
    await page.press('#input', 'Enter');
    await page.locator('.message', { hasText: 'carol: back again' }).waitFor();
  }, 60_000);
});
