import { afterEach, describe, expect, it, vi } from 'vitest';
import type {
  ClientCloseInfo,
  ClientConfigInput,
  ClientError,
  OpenInfo,
  ReconnectInfo,
} from '../src/client/index.js';
import {
  closeWsServer,
  nextEvent,
  readRequestHead,
  Resources,
  startRawServer,
  startWsEchoServer,
} from './client-fixtures.js';

const resources = new Resources();
afterEach(async () => {
  vi.useRealTimers();
  await resources.closeAll();
});

function makeClient(config: ClientConfigInput, random?: () => number) {
  return resources.createClient({ proxy: false, ...config }, random ? { random } : {});
}

/** Counts upgrade attempts and refuses each with 503 (a retryable status). */
async function unavailableServer() {
  const attempts: number[] = [];
  let count = 0;
  const waiters: (() => void)[] = [];
  const server = await startRawServer(resources, (socket) => {
    void readRequestHead(socket).then(() => {
      count++;
      attempts.push(count);
      socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy');
      for (const wake of waiters.splice(0)) wake();
    });
  });
  return {
    url: server.url,
    get count() {
      return count;
    },
    async waitForCount(n: number) {
      while (count < n) await new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}

describe('client reconnect', () => {
  it('backs off 100, 200, 400, 800, 1000 ms between attempts (fake timers) and gives up after max_retries', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const server = await unavailableServer();
    const client = makeClient({
      url: server.url,
      reconnect: { min_wait: 100, max_wait: 1000, jitter: 0, max_retries: 5 },
    });
    const waits: number[] = [];
    const errors: ClientError[] = [];
    client.on('error', (e) => errors.push(e));
    let announce: ((info: ReconnectInfo) => void) | null = null;
    client.on('reconnecting', (info) => {
      waits.push(info.wait_time);
      announce?.(info);
    });
    const nextReconnect = () => new Promise<ReconnectInfo>((resolve) => (announce = resolve));

    let pending = nextReconnect();
    const started = client.start();
    for (let retry = 1; retry <= 5; retry++) {
      const info = await pending;
      expect(info.retries).toBe(retry);
      expect(info.reason).toBe('handshake: HTTP 503 Service Unavailable');
      const before = server.count;
      await vi.advanceTimersByTimeAsync(info.wait_time - 1);
      expect(server.count).toBe(before); // not one millisecond early
      pending = nextReconnect();
      await vi.advanceTimersByTimeAsync(1);
      await server.waitForCount(before + 1);
    }
    const result = await started;
    expect(waits).toEqual([100, 200, 400, 800, 1000]);
    expect(server.count).toBe(6);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ code: 'HTTP_STATUS', http_status: 503, retries: 5 });
    expect(errors.map((e) => [e.retries, e.wait_time, e.http_status])).toEqual([
      [0, 100, 503],
      [1, 200, 503],
      [2, 400, 503],
      [3, 800, 503],
      [4, 1000, 503],
      [5, undefined, 503],
    ]);
    expect(client.readyState).toBe('closed');
  });

  it('applies jitter from the injected random source', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const server = await unavailableServer();
    const client = makeClient(
      { url: server.url, reconnect: { min_wait: 100, max_wait: 10_000, jitter: 0.5, max_retries: 2 } },
      () => 0.5,
    );
    const waits: number[] = [];
    client.on('reconnecting', (info) => {
      waits.push(info.wait_time);
      void vi.advanceTimersByTimeAsync(info.wait_time);
    });
    await client.start();
    expect(waits).toEqual([100, 150]); // 100 → max(100, 75); 200 → 150
  });

  it('reconnects after the server restarts and flushes the bounded queue in order', async () => {
    const first = await startWsEchoServer(resources);
    const client = makeClient({
      url: first.url,
      reconnect: { min_wait: 5, max_wait: 20, jitter: 0 },
      send_queue: { max_messages: 3, max_bytes: 1024 },
    });
    const opens: OpenInfo[] = [];
    const closes: ClientCloseInfo[] = [];
    client.on('open', (info) => opens.push(info));
    client.on('close', (info) => closes.push(info));
    expect((await client.start()).ok).toBe(true);

    const dropped = nextEvent<ClientCloseInfo>(client, 'close');
    await closeWsServer(first.wss, first.server);
    const closeInfo = await dropped;
    expect(closeInfo.willReconnect).toBe(true);
    expect(closeInfo.code).toBe(1006);
    expect(client.readyState).toBe('connecting');

    // While reconnecting: queued up to the bound, then refused with an error value.
    const outcomes = ['one', 'two', 'three'].map((text) => client.send(text));
    expect(outcomes.map((o) => o.ok && o.value.outcome)).toEqual(['queued', 'queued', 'queued']);
    const refused = client.send('four');
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('QUEUE_FULL');
    expect(client.queuedMessages).toBe(3);
    expect(client.bufferedAmount).toBe(11);

    const received: string[] = [];
    const allBack = new Promise<void>((resolve) => {
      client.on('message', (data) => {
        received.push(String(data));
        if (received.length === 3) resolve();
      });
    });
    const reopened = nextEvent<OpenInfo>(client, 'open');
    await startWsEchoServer(resources, { port: first.port });
    const info = await reopened;
    expect(info.reconnects).toBe(1);
    expect(client.readyState).toBe('open');
    await allBack;
    expect(received).toEqual(['one', 'two', 'three']);
    expect(client.queuedMessages).toBe(0);
    expect(opens).toHaveLength(2);
    expect(closes).toHaveLength(1);
  });

  it('does not reconnect after the user closes, and reports unsent queued messages', async () => {
    const server = await startWsEchoServer(resources);
    const client = makeClient({ url: server.url, reconnect: { min_wait: 10_000, max_wait: 10_000 } });
    await client.start();
    const reconnecting = nextEvent<ReconnectInfo>(client, 'reconnecting');
    for (const socket of server.wss.clients) socket.close(1012, 'restarting');
    expect((await reconnecting).reason).toBe('restarting');
    client.send('pending');
    const errors: ClientError[] = [];
    client.on('error', (e) => errors.push(e));
    const closed = nextEvent<ClientCloseInfo>(client, 'close');
    client.close();
    const info = await closed;
    expect(info).toMatchObject({ willReconnect: false, unsent: 1, initiatedBy: 'local' });
    expect(errors.map((e) => e.code)).toEqual(['MESSAGES_UNSENT']);
    expect(client.readyState).toBe('closed');
    expect(client.send('x').ok).toBe(false);
  });

  it('a server close while reconnect is on is followed by a reconnect', async () => {
    const server = await startWsEchoServer(resources);
    let connections = 0;
    server.wss.on('connection', (socket) => {
      connections++;
      if (connections === 1) socket.close(1001, 'going away');
    });
    const client = makeClient({ url: server.url, reconnect: { min_wait: 1, max_wait: 5, jitter: 0 } });
    const firstClose = nextEvent<ClientCloseInfo>(client, 'close');
    await client.start();
    expect(await firstClose).toMatchObject({ code: 1001, reason: 'going away', willReconnect: true });
    const reopened = await nextEvent<OpenInfo>(client, 'open');
    expect(reopened.reconnects).toBe(1);
    expect(connections).toBe(2);
  });
});
