import { request } from '@parley/http-client';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CliRegistry } from './support/cli-harness.js';

const clis = new CliRegistry();
const sockets: WebSocket[] = [];
let work: string | null = null;

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await clis.stopAll();
  if (work !== null) await rm(work, { recursive: true, force: true });
  work = null;
});

async function startServer(...argv: string[]): Promise<{ url: string; stop: () => Promise<number> }> {
  const cli = clis.start(argv);
  const [, url] = await cli.stdout.waitFor(/(?:listening on|on) ((?:ws|http):\/\/\S+)/);
  return {
    url: url!,
    stop: async () => {
      cli.interrupt();
      return cli.exit;
    },
  };
}

/** A ws (independent implementation) client with a queue of the messages it received. */
async function wsClient(
  url: string,
): Promise<{ socket: WebSocket; next: () => Promise<{ data: Buffer; binary: boolean }> }> {
  const socket = new WebSocket(url);
  sockets.push(socket);
  const inbox: { data: Buffer; binary: boolean }[] = [];
  const waiting: ((m: { data: Buffer; binary: boolean }) => void)[] = [];
  socket.on('message', (data, binary) => {
    const message = { data: data as Buffer, binary };
    const waiter = waiting.shift();
    if (waiter === undefined) inbox.push(message);
    else waiter(message);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return {
    socket,
    next: () => {
      const queued = inbox.shift();
      return queued === undefined ? new Promise((resolve) => waiting.push(resolve)) : Promise.resolve(queued);
    },
  };
}

function closeOf(socket: WebSocket): Promise<number> {
  return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
}

describe('parley echo-server', () => {
  it('echoes text and binary with the same type, and closes clients with 1001 on SIGINT', async () => {
    const server = await startServer('echo-server', '--port', '0');
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/$/);
    const client = await wsClient(server.url);
    client.socket.send('hi');
    expect(await client.next()).toEqual({ data: Buffer.from('hi'), binary: false });
    client.socket.send(Buffer.from([1, 2, 3]));
    expect(await client.next()).toEqual({ data: Buffer.from([1, 2, 3]), binary: true });
    const closed = closeOf(client.socket);
    expect(await server.stop()).toBe(0);
    expect(await closed).toBe(1001);
  });

  it('negotiates permessage-deflate only with --deflate', async () => {
    const plain = await startServer('echo-server', '--port', '0');
    const deflating = await startServer('echo-server', '--port', '0', '--deflate');
    const a = await wsClient(plain.url);
    const b = await wsClient(deflating.url);
    expect(a.socket.extensions).toBe('');
    expect(b.socket.extensions).toContain('permessage-deflate');
    b.socket.send('x'.repeat(4096));
    expect((await b.next()).data.toString()).toBe('x'.repeat(4096));
  });

  it('exits 1 when the port is taken', async () => {
    const first = await startServer('echo-server', '--port', '0');
    const port = new URL(first.url).port;
    const second = clis.start(['echo-server', '--port', port]);
    expect(await second.exit).toBe(1);
    expect(second.stderr.text).toContain('EADDRINUSE');
  });
});

describe('parley broadcast-server', () => {
  it('sends every message to every client, the sender included', async () => {
    const server = await startServer('broadcast-server', '--port', '0');
    const alice = await wsClient(server.url);
    const bob = await wsClient(server.url);
    alice.socket.send('from alice');
    expect((await alice.next()).data.toString()).toBe('from alice');
    expect((await bob.next()).data.toString()).toBe('from alice');
    bob.socket.send(Buffer.from([0xff]), { binary: true });
    expect(await alice.next()).toEqual({ data: Buffer.from([0xff]), binary: true });
    expect(await bob.next()).toEqual({ data: Buffer.from([0xff]), binary: true });
  });
});

describe('parley transfer', () => {
  it('relays every message to all other clients but not back to the sender', async () => {
    const server = await startServer('transfer', '--port', '0');
    const sender = await wsClient(server.url);
    const receiver = await wsClient(server.url);
    sender.socket.send('first');
    receiver.socket.send('reply');
    expect((await receiver.next()).data.toString()).toBe('first');
    // The sender's first message is the receiver's reply: its own was not echoed.
    expect((await sender.next()).data.toString()).toBe('reply');
  });
});

describe('parley httpd', () => {
  it('serves a file from --dir and answers 404 for a missing one; SIGINT stops it', async () => {
    work = await mkdtemp(join(tmpdir(), 'parley-cli-httpd-'));
    await mkdir(join(work, 'sub'));
    await writeFile(join(work, 'sub', 'page.html'), '<h1>parley</h1>');
    const server = await startServer('httpd', '--port', '0', '--dir', work);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await request({ url: `${server.url}sub/page.html` });
    expect(page.ok).toBe(true);
    if (!page.ok) return;
    expect(page.value.status).toBe(200);
    expect(page.value.headers['content-type']).toContain('text/html');
    expect(page.value.body.toString()).toBe('<h1>parley</h1>');
    const missing = await request({ url: `${server.url}nope.txt` });
    expect(missing.ok && missing.value.status).toBe(404);
    expect(await server.stop()).toBe(0);
    const after = await request({ url: `${server.url}sub/page.html` });
    expect(after.ok ? after.value.status : after.error.code).toBe('ECONNREFUSED');
  });

  it('exits 1 when --dir does not exist', async () => {
    const cli = clis.start(['httpd', '--port', '0', '--dir', join(tmpdir(), 'parley-no-such-dir-for-httpd')]);
    expect(await cli.exit).toBe(1);
    expect(cli.stderr.text).toContain('INVALID_CONFIG');
  });
});
