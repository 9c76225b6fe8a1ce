import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type ChatServer, startChatServer } from '../src/chat-server.js';

const CLIENTS = 1000;
const SENDERS = 20;
const MESSAGES_PER_SENDER = 5;

let server: ChatServer | null = null;
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await server?.stop();
  server = null;
});

/** A bare ws client that only counts chat lines (cheap enough for 1,000 in one process). */
function connectCounter(url: string, onLine: (line: string) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.on('message', (data) => onLine(data.toString()));
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('load', () => {
  it(`${CLIENTS} clients in one room: every message reaches every client, none lost`, async () => {
    const started = await startChatServer({ port: 0, host: '127.0.0.1', publicDir: '/nonexistent' });
    if (!started.ok) throw new Error(started.error.message);
    server = started.value;
    const received = new Uint32Array(CLIENTS);
    const joined = new Set<number>();
    let allJoinedResolve = () => {};
    const allJoined = new Promise<void>((resolve) => {
      allJoinedResolve = resolve;
    });
    const total = SENDERS * MESSAGES_PER_SENDER;
    let done = 0;
    let allDeliveredResolve = () => {};
    const allDelivered = new Promise<void>((resolve) => {
      allDeliveredResolve = resolve;
    });
    const onLine = (index: number) => (line: string) => {
      // Notices are batched; the last batch carries the full count and reaches everyone.
      if (line.startsWith('* ') && line.endsWith(`joined lobby (${CLIENTS} online)`)) {
        joined.add(index);
        if (joined.size === CLIENTS) allJoinedResolve();
        return;
      }
      if (/^u\d+: m\d+$/.test(line)) {
        received[index]! += 1;
        if (received[index] === total && ++done === CLIENTS) allDeliveredResolve();
      }
    };
    // Connect in batches so the listen backlog never overflows.
    for (let batch = 0; batch < CLIENTS; batch += 100) {
      const connecting: Promise<WebSocket>[] = [];
      for (let i = batch; i < Math.min(CLIENTS, batch + 100); i++) {
        connecting.push(connectCounter(`${server.wsUrl}?name=u${i}`, onLine(i)));
      }
      sockets.push(...(await Promise.all(connecting)));
    }
    await allJoined;
    expect(server.connections).toBe(CLIENTS);
    for (let m = 0; m < MESSAGES_PER_SENDER; m++) {
      for (let s = 0; s < SENDERS; s++) sockets[s * (CLIENTS / SENDERS)]!.send(`m${m}`);
    }
    await allDelivered;
    expect(Math.min(...received)).toBe(total);
    expect(Math.max(...received)).toBe(total);
  }, 60_000);
});
