// Parley's echo server with independent clients: the `ws` package and Chromium's WebSocket.
import { chromiumSkipReason, haveChromium, launchChromium } from '@parley/test-support';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { payloadOf } from './support/cases/framing.js';
import { loadParleyServer } from './support/parley-targets.js';
import type { RunningEchoServer } from './support/targets.js';
import { OP } from './support/wire.js';
import { WsTestClient } from './support/ws-peer.js';

const parley = await loadParleyServer();
const MiB = 1024 * 1024;
const SIZES = [0, 1, 125, 126, 65535, 65536, 1 * MiB, 16 * MiB];

describe.skipIf(!parley.target)(
  `Parley echo server ↔ ws client${parley.target ? '' : ` (${parley.reason})`}`,
  () => {
    const servers: RunningEchoServer[] = [];
    const clients: WsTestClient[] = [];
    let plain: RunningEchoServer;
    let deflate: RunningEchoServer;

    beforeAll(async () => {
      const t = parley.target!;
      [plain, deflate] = await Promise.all([
        t.start({ deflate: false, path: '/' }),
        t.start({ deflate: true, path: '/' }),
      ]);
      servers.push(plain, deflate);
    });
    afterEach(() => {
      for (const c of clients.splice(0)) c.terminate();
    });
    afterAll(async () => {
      await Promise.all(servers.map((s) => s.close()));
    });

    const url = (s: RunningEchoServer) => `ws://127.0.0.1:${s.port}${s.path}`;

    for (const compressed of [false, true]) {
      const mode = compressed ? 'permessage-deflate' : 'no compression';
      it(`negotiates ${mode} as configured`, async () => {
        const c = await WsTestClient.connect(url(compressed ? deflate : plain), { perMessageDeflate: true });
        clients.push(c);
        expect(c.socket.extensions).toBe(compressed ? 'permessage-deflate' : '');
      });

      it(`echoes text and binary of ${SIZES.length} sizes up to 16 MiB (${mode})`, {
        timeout: 60_000,
      }, async () => {
        const c = await WsTestClient.connect(url(compressed ? deflate : plain), {
          perMessageDeflate: compressed,
        });
        clients.push(c);
        for (const size of SIZES) {
          for (const opcode of [OP.text, OP.binary]) {
            const payload = payloadOf(opcode, size, size);
            const echo = await c.roundTrip(payload, opcode === OP.binary);
            expect({ size, binary: echo.binary }).toEqual({ size, binary: opcode === OP.binary });
            expect(echo.data.equals(payload), `echo of ${size} B`).toBe(true);
          }
        }
      });

      it(`echoes a message the ws client sends in fragments (fin: false) (${mode})`, async () => {
        const c = await WsTestClient.connect(url(compressed ? deflate : plain), {
          perMessageDeflate: compressed,
        });
        clients.push(c);
        const parts = ['Hello, ', 'κόσμε', ' — ', '😀'.repeat(1000)];
        for (const [i, p] of parts.entries()) c.socket.send(p, { fin: i === parts.length - 1 });
        const echo = await c.messages.next();
        expect(echo.binary).toBe(false);
        expect(echo.data.toString()).toBe(parts.join(''));
      });

      it(`answers pings and echoes the close code and reason (${mode})`, async () => {
        const c = await WsTestClient.connect(url(compressed ? deflate : plain), {
          perMessageDeflate: compressed,
        });
        clients.push(c);
        c.socket.ping(Buffer.from('are you there'));
        expect((await c.pongs.next()).toString()).toBe('are you there');
        c.socket.close(4000, 'done here');
        expect(await c.closed).toEqual({ code: 4000, reason: expect.any(String) });
      });
    }

    it('serves 20 concurrent ws clients × 50 messages each, every echo in order', async () => {
      const all = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          WsTestClient.connect(url(i % 2 ? deflate : plain), { perMessageDeflate: i % 2 === 1 }),
        ),
      );
      clients.push(...all);
      await Promise.all(
        all.map(async (c, i) => {
          for (let m = 0; m < 50; m++) c.socket.send(`client ${i} message ${m}`);
          for (let m = 0; m < 50; m++)
            expect((await c.messages.next()).data.toString()).toBe(`client ${i} message ${m}`);
        }),
      );
    });
  },
);

/** What PAGE_SCRIPT returns. */
interface PageResult {
  results: { size: number; binaryOk: boolean; textOk: boolean }[];
  extensions: string;
  close: { code: number; reason: string; wasClean: boolean };
}

/** Runs in the page: opens a WebSocket, sends each message, compares the echoes byte by byte. */
const PAGE_SCRIPT = `async ({ url, sizes }) => {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  const queue = []; let wake = null;
  ws.onmessage = (e) => { queue.push(e.data); if (wake) { wake(); wake = null; } };
  const closed = new Promise((r) => (ws.onclose = (e) => r({ code: e.code, reason: e.reason, wasClean: e.wasClean })));
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error('ws error')); });
  const next = async () => { while (!queue.length) await new Promise((r) => (wake = r)); return queue.shift(); };
  const same = (buf, bytes) => {
    if (!(buf instanceof ArrayBuffer) || buf.byteLength !== bytes.length) return false;
    const got = new Uint8Array(buf);
    for (let i = 0; i < bytes.length; i++) if (got[i] !== bytes[i]) return false;
    return true;
  };
  const results = [];
  for (const size of sizes) {
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 0xff;
    ws.send(bytes.buffer);
    const echoBin = await next();
    // Whole units only (a cut surrogate pair would be sent as U+FFFD); ~size bytes of UTF-8.
    const text = size < 15 ? 'x'.repeat(size) : 'κόσμε😀'.repeat(Math.floor(size / 15));
    ws.send(text);
    const echoText = await next();
    results.push({
      size,
      binaryOk: same(echoBin, bytes),
      textOk: typeof echoText === 'string' && echoText === text,
    });
  }
  const extensions = ws.extensions;
  ws.close(4001, 'bye from chromium');
  return { results, extensions, close: await closed };
}`;

describe.skipIf(!parley.target || !haveChromium)(`Parley echo server ↔ Chromium${chromiumSkipReason}`, () => {
  let browser: Browser | undefined;
  const servers: RunningEchoServer[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await Promise.all(servers.map((s) => s.close()));
  });

  for (const compressed of [false, true]) {
    it(`echoes text and binary up to ${compressed ? '1 MiB with' : '16 MiB without'} permessage-deflate`, {
      timeout: 60_000,
    }, async () => {
      const server = await parley.target!.start({ deflate: compressed, path: '/' });
      servers.push(server);
      const page = await browser!.newPage();
      try {
        const url = `ws://127.0.0.1:${server.port}${server.path}`;
        // 16 MiB once (uncompressed): Chromium's side of a 16 MiB round trip costs seconds.
        const sizes = [0, 1, 125, 126, 65535, 65536, 1 * MiB, ...(compressed ? [] : [16 * MiB])];
        // The page function is source text (this package has no DOM types); playwright
        // serialises the function it is given, so rebuild one from the text.
        const pageFunction = new Function(`return ${PAGE_SCRIPT}`)() as (arg: {
          url: string;
          sizes: number[];
        }) => Promise<PageResult>;
        const out = await page.evaluate(pageFunction, { url, sizes });
        expect(out.results).toEqual(sizes.map((size) => ({ size, binaryOk: true, textOk: true })));
        if (compressed) expect(out.extensions).toContain('permessage-deflate');
        else expect(out.extensions).toBe('');
        expect(out.close).toEqual({ code: 4001, reason: expect.any(String), wasClean: true });
      } finally {
        await page.close();
      }
    });
  }
});
