import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { stopChild, waitForLine } from '@parley/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Server } from '@parley/facade';
import { startEchoServer } from '../src/index.js';
import { bundleCli, removeCliBundle } from './support/cli-targets.js';

const servers: Server[] = [];
const clients: WebSocket[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  await Promise.all(children.splice(0).map((child) => stopChild(child)));
  await Promise.all(servers.splice(0).map((server) => server.stop({ timeout: 200 })));
});

async function echoServer(deflate = false): Promise<string> {
  const started = await startEchoServer({ port: 0, deflate });
  if (!started.ok) throw new Error(started.error.message);
  servers.push(started.value);
  return started.value.url()!;
}

async function connect(url: string, options?: WebSocket.ClientOptions): Promise<WebSocket> {
  const client = new WebSocket(url, options);
  clients.push(client);
  await once(client, 'open');
  return client;
}

async function roundTrip(client: WebSocket, data: string | Buffer, fragmented = false) {
  const reply = once(client, 'message') as Promise<[Buffer, boolean]>;
  if (fragmented && Buffer.isBuffer(data)) {
    const third = Math.floor(data.length / 3);
    client.send(data.subarray(0, third), { fin: false, binary: true });
    client.send(data.subarray(third, 2 * third), { fin: false, binary: true });
    client.send(data.subarray(2 * third), { fin: true, binary: true });
  } else {
    client.send(data);
  }
  const [message, isBinary] = await reply;
  return { message, isBinary };
}

describe('startEchoServer', () => {
  for (const deflate of [false, true]) {
    describe(deflate ? 'with permessage-deflate' : 'without permessage-deflate', () => {
      it('echoes text as text and binary as binary', async () => {
        const client = await connect(await echoServer(deflate), { perMessageDeflate: deflate });
        expect(client.extensions.includes('permessage-deflate')).toBe(deflate);
        const text = await roundTrip(client, 'héllo wörld');
        expect(text).toEqual({ message: Buffer.from('héllo wörld'), isBinary: false });
        const binary = await roundTrip(client, Buffer.from([0, 255, 1]));
        expect(binary.isBinary).toBe(true);
        expect([...binary.message]).toEqual([0, 255, 1]);
      });

      it('echoes a 16 MiB message, whole and fragmented', { timeout: 60_000 }, async () => {
        const client = await connect(await echoServer(deflate), {
          perMessageDeflate: deflate,
          maxPayload: 64 * 1024 * 1024,
        });
        const big = Buffer.alloc(16 * 1024 * 1024);
        for (let i = 0; i < big.length; i += 4096) big[i] = i & 0xff;
        const whole = await roundTrip(client, big);
        expect(whole.message.equals(big)).toBe(true);
        const pieces = await roundTrip(client, big, true);
        expect(pieces.isBinary).toBe(true);
        expect(pieces.message.equals(big)).toBe(true);
      });
    });
  }

  it('returns an error value when the port is taken', async () => {
    const url = await echoServer();
    const port = Number(new URL(url).port);
    const second = await startEchoServer({ port });
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.error.message).toContain(String(port));
  });
});

describe('echo server (CLI)', () => {
  let cli: string;

  // The real cli.ts bundled (workspace packages resolved to their sources), so the test runs
  // the program people run without depending on a prior build.
  beforeAll(async () => {
    cli = await bundleCli();
  });
  afterAll(removeCliBundle);

  async function runCli(args: string[]): Promise<{ child: ChildProcess; url: string }> {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const [, url] = await waitForLine(child, /^listening on (ws:\/\/\S+)$/, { first: true });
    return { child, url: url! };
  }

  it('prints the URL it listens on, echoes, and exits 0 on SIGTERM after closing with 1001', async () => {
    const { child, url } = await runCli(['server', '--port', '0', '--path', '/echo']);
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/echo$/);
    const client = await connect(url);
    const reply = await roundTrip(client, 'cli echo');
    expect(reply.message.toString()).toBe('cli echo');
    const closed = once(client, 'close') as Promise<[number]>;
    child.kill('SIGTERM');
    const [code] = await closed;
    expect(code).toBe(1001);
    const [exitCode] = (await once(child, 'exit')) as [number];
    expect(exitCode).toBe(0);
  });

  it('negotiates permessage-deflate by default, and not with --no-deflate', async () => {
    const byDefault = await connect((await runCli(['server', '--port', '0'])).url, {
      perMessageDeflate: true,
    });
    expect(byDefault.extensions).toContain('permessage-deflate');
    const compressed = await roundTrip(byDefault, 'x'.repeat(4096));
    expect(compressed.message.toString()).toBe('x'.repeat(4096));
    // --deflate, the old opt-in, is still accepted.
    const optedIn = await connect((await runCli(['server', '--port', '0', '--deflate'])).url, {
      perMessageDeflate: true,
    });
    expect(optedIn.extensions).toContain('permessage-deflate');
    const off = await connect((await runCli(['server', '--port', '0', '--no-deflate'])).url, {
      perMessageDeflate: true,
    });
    expect(off.extensions).toBe('');
  });

  it('rejects bad arguments with exit code 2 and usage', async () => {
    const child = spawn(process.execPath, [cli, 'server', '--port', 'nope'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const [exitCode] = (await once(child, 'exit')) as [number];
    expect(exitCode).toBe(2);
    expect(stderr).toContain('--port');
  });
});
