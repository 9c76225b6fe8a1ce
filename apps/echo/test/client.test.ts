import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { runEchoClient } from '../src/index.js';
import { bundleCli, removeCliBundle } from './support/cli-targets.js';
import { children, closeEverything, servers } from './support/cleanup.js';

interface TestServer {
  url: string;
  wss: WebSocketServer;
  /** The next connection the server accepts (one per test). */
  connection: Promise<[WebSocket, http.IncomingMessage]>;
}

afterEach(closeEverything);

async function startServer(perMessageDeflate = true): Promise<TestServer> {
  const server = http.createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate });
  const connection = once(wss, 'connection') as Promise<[WebSocket, http.IncomingMessage]>;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push({ wss, server });
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`, wss, connection };
}

/** Sends `data` and resolves with what the echo client sent back. */
async function roundTrip(
  peer: WebSocket,
  data: string | Buffer,
  fragmented = false,
): Promise<[Buffer, boolean]> {
  const reply = once(peer, 'message') as Promise<[Buffer, boolean]>;
  const binary = typeof data !== 'string';
  if (fragmented) {
    const bytes = Buffer.from(data);
    const half = bytes.length >> 1;
    peer.send(bytes.subarray(0, half), { binary, fin: false });
    peer.send(bytes.subarray(half), { binary, fin: true });
  } else peer.send(data);
  return reply;
}

describe('runEchoClient', () => {
  it('echoes text as text and binary as binary, answers pings, and resolves when the server closes', async () => {
    const server = await startServer();
    const done = runEchoClient(server.url);
    const [peer, request] = await server.connection;
    expect(request.headers['sec-websocket-extensions']).toContain('permessage-deflate');
    const [text, textIsBinary] = await roundTrip(peer, 'héllo wörld');
    expect([text.toString(), textIsBinary]).toEqual(['héllo wörld', false]);
    const [binary, binaryIsBinary] = await roundTrip(peer, Buffer.from([0, 255, 1]));
    expect([[...binary], binaryIsBinary]).toEqual([[0, 255, 1], true]);
    const [fragmented] = await roundTrip(peer, Buffer.alloc(100_000, 3), true);
    expect(fragmented.equals(Buffer.alloc(100_000, 3))).toBe(true);
    const pong = once(peer, 'pong');
    peer.ping('are you there');
    expect(String((await pong)[0])).toBe('are you there');
    peer.close(1000, 'test over');
    const result = await done;
    expect(result.opened).toBe(true);
    expect(result.echoed).toBe(3);
    expect(result.close).toMatchObject({ code: 1000, reason: 'test over', wasClean: true });
  });

  it('does not offer permessage-deflate with deflate: false', async () => {
    const server = await startServer();
    const done = runEchoClient(server.url, { deflate: false });
    const [peer, request] = await server.connection;
    expect(request.headers['sec-websocket-extensions']).toBeUndefined();
    peer.close();
    expect((await done).close.code).toBe(1005);
  });

  it('never reconnects: one connection, and a refused one resolves with opened false', async () => {
    const server = await startServer();
    let connections = 0;
    server.wss.on('connection', () => connections++);
    const done = runEchoClient(server.url);
    const [peer] = await server.connection;
    peer.terminate();
    const result = await done;
    expect(result.close.code).toBe(1006);
    expect(connections).toBe(1);
    const port = Number(new URL(server.url).port);
    await new Promise<void>((resolve) => server.wss.close(() => resolve()));
    servers[0]!.server.closeAllConnections();
    await new Promise<void>((resolve) => servers[0]!.server.close(() => resolve()));
    servers.splice(0);
    const refused = await runEchoClient(`ws://127.0.0.1:${port}/`);
    expect(refused.opened).toBe(false);
    expect(refused.close.reason).toMatch(/^connection refused/);
  });

  it('an abort signal ends it at once', async () => {
    const server = await startServer();
    const controller = new AbortController();
    const done = runEchoClient(server.url, { signal: controller.signal });
    const [peer] = await server.connection;
    await roundTrip(peer, 'opened?'); // the echo proves the client saw the 101
    controller.abort();
    const result = await done;
    expect(result.opened).toBe(true);
    expect(result.close.code).toBe(1006);
  });
});

describe('echo client (CLI)', () => {
  let cli: string;

  beforeAll(async () => {
    cli = await bundleCli();
  });
  afterAll(removeCliBundle);

  function runCli(args: string[]): { child: ChildProcess; exit: Promise<number>; output: () => string } {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const exit = once(child, 'exit').then(([code]) => code as number);
    return { child, exit, output: () => output };
  }

  it('echoes and exits 0 when the server closes the connection', async () => {
    const server = await startServer();
    const { exit, output } = runCli(['client', server.url]);
    const [peer, request] = await server.connection;
    expect(request.headers['sec-websocket-extensions']).toContain('permessage-deflate');
    const [echoed, isBinary] = await roundTrip(peer, 'from the suite');
    expect([echoed.toString(), isBinary]).toEqual(['from the suite', false]);
    peer.close(1000);
    expect(await exit).toBe(0);
    expect(output()).toMatch(/^connected to ws:\/\/127\.0\.0\.1:\d+\/ \(permessage-deflate/m);
    expect(output()).toMatch(/^closed 1000$/m);
  });

  it('--no-deflate offers no extension', async () => {
    const server = await startServer();
    const { exit } = runCli(['client', server.url, '--no-deflate']);
    const [peer, request] = await server.connection;
    expect(request.headers['sec-websocket-extensions']).toBeUndefined();
    peer.close(1000);
    expect(await exit).toBe(0);
  });

  it('exits 2 without a URL and 1 when the connection cannot open', async () => {
    const missing = runCli(['client']);
    expect(await missing.exit).toBe(2);
    expect(missing.output()).toContain('missing <url>');
    const extra = runCli(['client', 'ws://a/', 'ws://b/']);
    expect(await extra.exit).toBe(2);
    const refused = runCli(['client', 'ws://127.0.0.1:9/']);
    expect(await refused.exit).toBe(1);
    expect(refused.output()).toMatch(/echo client: connection refused/);
  });
});
