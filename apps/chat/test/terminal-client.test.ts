import { PassThrough, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChatServer, startChatServer } from '../src/chat-server.js';
import { describeServerMessage, runTerminalClient } from '../src/terminal-client.js';
import { LineClient } from './line-client.js';

/** Collects what the terminal client prints and lets a test wait for a line. */
class Screen extends Writable {
  text = '';
  private waiters: Array<{ done: (text: string) => boolean; resolve: () => void }> = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    this.waiters = this.waiters.filter((w) => {
      if (!w.done(this.text)) return true;
      w.resolve();
      return false;
    });
    done();
  }
  waitFor(needle: string): Promise<void> {
    return this.waitUntil((text) => text.includes(needle));
  }
  waitUntil(done: (text: string) => boolean): Promise<void> {
    if (done(this.text)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ done, resolve }));
  }
}

let servers: ChatServer[] = [];
const clients: LineClient[] = [];
let input: PassThrough | null = null;
let running: Promise<number> | null = null;

async function start(port = 0): Promise<ChatServer> {
  const started = await startChatServer({ port, publicDir: '/nonexistent' });
  if (!started.ok) throw new Error(started.error.message);
  servers.push(started.value);
  return started.value;
}

afterEach(async () => {
  input?.end();
  await running;
  input = null;
  running = null;
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
});

describe('terminal client', () => {
  it('joins, prints `nick: text`, sends lines, and reconnects after a server restart', async () => {
    const server = await start();
    const screen = new Screen();
    input = new PassThrough();
    running = runTerminalClient({ nick: 'alice', room: 'lobby', url: server.wsUrl, input, output: screen });
    await screen.waitFor('* you joined lobby as alice (1 online)');

    const bob = await LineClient.connect(`${server.wsUrl}?name=bob`);
    clients.push(bob);
    await screen.waitFor('* bob joined lobby (2 online)');
    bob.send('hi alice');
    await screen.waitFor('bob: hi alice');
    input.write('hello bob\n');
    expect(await bob.waitFor('alice: hello bob')).toBe('alice: hello bob');

    // restart the server on the same port: the client says so and comes back
    const port = server.port;
    await bob.close();
    await server.stop();
    servers = [];
    await screen.waitFor('* connection lost');
    await start(port);
    await screen.waitFor('* reconnected');
    // joined again: the second "you joined" line comes after the reconnect
    await screen.waitUntil((text) => text.split('* you joined lobby as alice (1 online)').length === 3);
    input.write('/who\n');
    await screen.waitFor('* online in lobby: alice (you)');
    input.end();
    expect(await running).toBe(0);
  });

  it('describes every server message type in one line (or none)', () => {
    const lines = [
      describeServerMessage({ type: 'joined', room: 'r', nick: 'me', nicks: ['me', 'x'], online: 2 }, 'me'),
      describeServerMessage({ type: 'joined', room: 'r', nick: 'me', online: 1 }, 'me'),
      describeServerMessage({ type: 'left', room: 'r', nick: 'x', online: 1 }, 'me'),
      describeServerMessage({ type: 'rooms', list: [{ name: 'r', online: 1 }] }, 'me'),
      describeServerMessage({ type: 'rooms', list: [] }, 'me'),
      describeServerMessage({ type: 'error', code: 'nick_taken', message: 'me is already in r' }, 'me'),
      describeServerMessage({ type: 'typing', room: 'r', nick: 'x' }, 'me'),
      describeServerMessage({ type: 'history', room: 'r', messages: [] }, 'me'),
    ];
    expect(lines).toEqual([
      '* x joined r (2 online)',
      null,
      '* x left r (1 online)',
      '* rooms: r (1)',
      '* no rooms',
      '* error: me is already in r',
      null,
      null,
    ]);
  });
});
