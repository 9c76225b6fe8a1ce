import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import type { Server, Socket } from 'node:net';
import { stopChild, waitForLine } from '@parley/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildAcceptResponse,
  buildClientRequest,
  negotiatePerMessageDeflate,
  negotiateSubprotocol,
  validateServerResponse,
  validateUpgradeRequest,
} from '../src/index.js';
import { exchangeHeads, rawUpgradeServer } from './raw-peers.js';

// Interop with Python's `websockets` (Debian's python3-websockets, strict about the
// handshake and about permessage-deflate parameters) — a second, independent
// implementation next to ws. Skipped where that module is not installed.

const PYTHON = '/usr/bin/python3';
const hasWebsockets = spawnSync(PYTHON, ['-c', 'import websockets'], { stdio: 'ignore' }).status === 0;

const CLIENT = `
import asyncio, sys, websockets
async def main():
    async with websockets.connect(sys.argv[1], subprotocols=['chat', 'superchat']) as ws:
        print(ws.subprotocol)
        print(ws.request_headers.get('Sec-WebSocket-Extensions', ''))
        print(ws.response_headers.get('Sec-WebSocket-Extensions', ''))
asyncio.run(main())
`;

const SERVER = `
import asyncio, websockets
async def handler(ws, path):
    await ws.wait_closed()
async def main():
    async with websockets.serve(handler, '127.0.0.1', 0, subprotocols=['superchat']) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()
asyncio.run(main())
`;

const children: ChildProcess[] = [];
const servers: Server[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(children.splice(0).map((child) => stopChild(child, 'SIGTERM')));
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

const track = { servers, sockets };

function python(script: string, args: string[]): ChildProcess {
  const child = spawn(PYTHON, ['-c', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return child;
}

async function output(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

describe.skipIf(!hasWebsockets)('interop with python websockets', () => {
  it('a python client accepts our server half, with compression', async () => {
    const port = await rawUpgradeServer(track, (head, socket) => {
      const upgrade = validateUpgradeRequest(head);
      if (!upgrade.ok) throw new Error(upgrade.error.message);
      const deflate = negotiatePerMessageDeflate(upgrade.value.extensionOffers, {
        serverNoContextTakeover: true,
      });
      if (!deflate.ok) throw new Error(deflate.error.message);
      // complete the close handshake python starts: echo its close frame, unmasked
      socket.on('data', () => socket.end(Buffer.from([0x88, 0x02, 0x03, 0xe8])));
      return buildAcceptResponse({
        key: upgrade.value.key,
        protocol: negotiateSubprotocol(upgrade.value.protocols, ['superchat']),
        extensions: deflate.value?.responseHeader ?? '',
      });
    });

    const result = await output(python(CLIENT, [`ws://127.0.0.1:${port}/`]));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [protocol, offered, accepted] = result.stdout.trim().split('\n');
    expect(protocol).toBe('superchat');
    expect(offered).toContain('permessage-deflate');
    expect(accepted).toMatch(/^permessage-deflate; server_no_context_takeover/);
  });

  it('our client half accepts a python server answer', async () => {
    const child = python(SERVER, []);
    const [, port] = await waitForLine(child, /^(\d+)$/, { first: true });
    const request = buildClientRequest({ url: `ws://127.0.0.1:${port}/`, protocols: ['chat', 'superchat'] });
    if (!request.ok) throw new Error(request.error.message);
    const { head } = await exchangeHeads(track, Number(port), request.value.head);
    const result = validateServerResponse(head, {
      key: request.value.key,
      protocols: ['chat', 'superchat'],
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.protocol).toBe('superchat');
    // websockets' server answers our bare client_max_window_bits offer with 12-bit windows
    // on both sides, including server_max_window_bits we did not ask for (allowed).
    const bits = /server_max_window_bits=(\d+); client_max_window_bits=(\d+)/.exec(result.value.extensions);
    expect(bits).not.toBe(null);
    expect(result.value.deflate).toEqual({
      serverNoContextTakeover: false,
      clientNoContextTakeover: false,
      serverMaxWindowBits: Number(bits![1]),
      clientMaxWindowBits: Number(bits![2]),
    });
  });
});
