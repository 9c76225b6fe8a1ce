// Interop with an independent implementation: Python's `websockets` (Debian python3-websockets)
// as an echo server, with and without permessage-deflate, whole and fragmented, up to 16 MiB.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { type Client, createClient } from '../src/client/index.js';
import { nextEvent, Resources } from './client-fixtures.js';

const PYTHON = '/usr/bin/python3';
const hasPythonWebsockets = (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import websockets'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

// Echoes every message with its type. On path /fragmented the echo goes back in 64 KiB fragments.
const ECHO_SERVER = `
import asyncio, sys, websockets
compression = None if sys.argv[1] == 'off' else 'deflate'
def chunks(message, size=65536):
    for i in range(0, len(message), size):
        yield message[i:i + size]
async def echo(ws, path):
    async for message in ws:
        if path == '/fragmented' and len(message) > 65536:
            await ws.send(chunks(message))
        else:
            await ws.send(message)
async def main():
    async with websockets.serve(echo, '127.0.0.1', 0, compression=compression, max_size=None,
                                max_queue=4, ping_interval=None) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()
asyncio.run(main())
`;

const resources = new Resources();
afterEach(() => resources.closeAll());

async function startPythonServer(compression: 'on' | 'off'): Promise<number> {
  const child: ChildProcess = spawn(PYTHON, ['-c', ECHO_SERVER, compression], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  resources.add(async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill();
    await exited;
  });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await Promise.race([
    (async () => {
      for await (const l of lines) return [l];
      return [''];
    })(),
    new Promise<string[]>((resolve) => child.once('exit', () => resolve(['']))),
  ])) as string[];
  const port = Number(line);
  if (!Number.isInteger(port) || port <= 0) throw new Error('python echo server did not start');
  return port;
}

async function echoOnce(client: Client, message: string | Buffer): Promise<string | Buffer> {
  const echoed = nextEvent<string | Buffer>(client, 'message');
  const sent = client.send(message);
  expect(sent.ok).toBe(true);
  return echoed;
}

const SIZES = [0, 125, 126, 65_535, 65_536, 1024 * 1024, 16 * 1024 * 1024];

describe.skipIf(!hasPythonWebsockets)('interop with Python websockets', () => {
  for (const compression of ['on', 'off'] as const) {
    for (const fragmented of [false, true]) {
      it(`echoes text and binary up to 16 MiB (deflate ${compression}, ${fragmented ? 'fragmented' : 'whole'})`, async () => {
        const port = await startPythonServer(compression);
        const created = createClient({
          url: `ws://127.0.0.1:${port}/${fragmented ? 'fragmented' : 'whole'}`,
          proxy: false,
          reconnect: { enabled: false },
          per_message_deflate: compression === 'on',
          fragment_size: fragmented ? 100_000 : 0,
          max_payload: 32 * 1024 * 1024,
        });
        if (!created.ok) throw new Error(created.error.message);
        const client = resources.client(created.value);
        const opened = await client.start();
        expect(opened.ok).toBe(true);
        if (!opened.ok) return;
        if (compression === 'on') expect(opened.value.extensions).toContain('permessage-deflate');
        else expect(opened.value.extensions).toBe('');

        for (const size of SIZES) {
          // binary: half random (incompressible), half zeros (compressible)
          const binary = Buffer.concat([randomBytes(size >> 1), Buffer.alloc(size - (size >> 1))]);
          const back = await echoOnce(client, binary);
          expect(Buffer.isBuffer(back)).toBe(true);
          expect(Buffer.compare(back as Buffer, binary)).toBe(0);
        }
        for (const size of [0, 1000, 70_000, 2 * 1024 * 1024]) {
          const text = 'añ€𝄞'.repeat(Math.ceil(size / 10)).slice(0, size);
          const back = await echoOnce(client, text);
          expect(back).toBe(text);
        }
        const closed = nextEvent<{ code: number; wasClean: boolean }>(client, 'close');
        client.close(1000, 'done');
        expect(await closed).toMatchObject({ code: 1000, wasClean: true });
      });
    }
  }
});
