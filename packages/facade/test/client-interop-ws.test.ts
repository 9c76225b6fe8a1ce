// Interop with the `ws` server (an independent implementation), with and without
// permessage-deflate, whole and fragmented in both directions, up to 16 MiB.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type Client, createClient } from '../src/client/index.js';
import { nextEvent, Resources, startWsEchoServer } from './client-fixtures.js';

const resources = new Resources();
afterEach(() => resources.closeAll());

async function echoOnce(client: Client, message: string | Buffer): Promise<string | Buffer> {
  const echoed = nextEvent<string | Buffer>(client, 'message');
  expect(client.send(message).ok).toBe(true);
  return echoed;
}

const SIZES = [0, 125, 126, 65_535, 65_536, 1024 * 1024, 16 * 1024 * 1024];
const FRAGMENT = 64 * 1024;

describe('interop with the ws server', () => {
  for (const deflate of [true, false]) {
    for (const fragmented of [false, true]) {
      it(`echoes text and binary up to 16 MiB (deflate ${deflate ? 'on' : 'off'}, ${fragmented ? 'fragmented' : 'whole'})`, async () => {
        const server = await startWsEchoServer(resources, {
          perMessageDeflate: deflate,
          maxPayload: 64 * 1024 * 1024,
        });
        if (fragmented) {
          // Replace the plain echo with one that sends the reply in 64 KiB fragments.
          server.wss.removeAllListeners('connection');
          server.wss.on('connection', (socket) => {
            socket.on('message', (data: Buffer, isBinary) => {
              if (data.length <= FRAGMENT) return socket.send(data, { binary: isBinary });
              for (let offset = 0; offset < data.length; offset += FRAGMENT) {
                const fin = offset + FRAGMENT >= data.length;
                socket.send(data.subarray(offset, offset + FRAGMENT), { binary: isBinary, fin });
              }
            });
          });
        }
        const created = createClient({
          url: server.url,
          proxy: false,
          reconnect: { enabled: false },
          per_message_deflate: deflate,
          fragment_size: fragmented ? 100_000 : 0,
          max_payload: 32 * 1024 * 1024,
        });
        if (!created.ok) throw new Error(created.error.message);
        const client = resources.client(created.value);
        const opened = await client.start();
        expect(opened.ok && opened.value.extensions.includes('permessage-deflate')).toBe(deflate);
        for (const size of SIZES) {
          const binary = Buffer.concat([randomBytes(size >> 1), Buffer.alloc(size - (size >> 1))]);
          const back = await echoOnce(client, binary);
          expect(Buffer.isBuffer(back)).toBe(true);
          expect(Buffer.compare(back as Buffer, binary)).toBe(0);
        }
        for (const size of [0, 1000, 70_000, 2 * 1024 * 1024]) {
          const text = 'añ€b'.repeat(Math.ceil(size / 4)).slice(0, size);
          expect(await echoOnce(client, text)).toBe(text);
        }
      });
    }
  }
});
