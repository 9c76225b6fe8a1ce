/**
 * The chat server: one HTTP port serving the page (`/`), `GET /health` and the WebSocket
 * endpoint `/chat` (or `/chat/<room>`). Built on the facade's `createServer` attached to the
 * page server; rooms are facade topics; the bus is in-memory or Redis.
 */
import { fileURLToPath } from 'node:url';
import {
  createServer,
  type ParleyError,
  type Result,
  type Session,
  type SessionHandler,
} from '@parley/facade';
import type { Bus } from './bus.js';
import { type ChatSession, ChatService, type RoomFanout } from './chat-service.js';
import { type HealthReport, healthReport } from './health.js';
import { MemoryBus } from './memory-bus.js';
import { startPageServer } from './page-server.js';
import { CHAT_SUBPROTOCOL } from './protocol.js';
import { RedisBus } from './redis-bus.js';
import { DEFAULT_RATE_LIMIT, type RateLimit } from './token-bucket.js';

export interface ChatServerOptions {
  port?: number;
  host?: string;
  /** `redis://host:port`: share rooms with other servers through Redis. */
  redisUrl?: string | null;
  rateLimit?: RateLimit;
  /** Directory of the built page; defaults to dist/public next to this file. */
  publicDir?: string;
  serverId?: string;
  log?: (line: string) => void;
}

export interface ChatServer {
  readonly port: number;
  /** `http://host:port/` */
  readonly pageUrl: string;
  /** `ws://host:port/chat` */
  readonly wsUrl: string;
  readonly bus: Bus;
  readonly connections: number;
  health(): Promise<HealthReport>;
  /** Closes every client with 1001 "server shutting down", releases presence, stops listening. */
  stop(): Promise<void>;
}

/** A facade session carries the chat session it belongs to. */
type ChatConnection = Session<ChatSession<ChatConnection> | undefined>;

export const CHAT_PATH = '/chat';

/** The facade's topics as the chat's fan-out: the frame is built once per publish. */
class FacadeFanout implements RoomFanout<ChatConnection> {
  constructor(private readonly server: { publish(topic: string, data: string): unknown }) {}
  subscribe(peer: ChatConnection, topic: string): void {
    peer.subscribe(topic);
  }
  unsubscribe(peer: ChatConnection, topic: string): void {
    peer.unsubscribe(topic);
  }
  publish(topic: string, data: string): void {
    this.server.publish(topic, data);
  }
}

function defaultPublicDir(): string {
  // src/chat-server.ts and dist/chat-server.js both sit one level under the app root.
  return fileURLToPath(new URL('../dist/public/', import.meta.url));
}

export async function startChatServer(
  options: ChatServerOptions = {},
): Promise<Result<ChatServer, ParleyError>> {
  const log = options.log ?? (() => {});
  const startedAt = Date.now();
  const rateLimit = options.rateLimit ?? DEFAULT_RATE_LIMIT;

  let bus: Bus;
  if (options.redisUrl) {
    const connected = await RedisBus.connect({ url: options.redisUrl, serverId: options.serverId, log });
    if (!connected.ok) return connected;
    bus = connected.value;
  } else {
    bus = new MemoryBus({ serverId: options.serverId });
  }

  let service: ChatService<ChatConnection> | null = null;
  const page = await startPageServer({
    port: options.port ?? 8080,
    host: options.host ?? '127.0.0.1',
    publicDir: options.publicDir ?? defaultPublicDir(),
    health: () => healthReport(bus, service?.connections ?? 0, startedAt, Date.now()),
    chatPath: CHAT_PATH,
  });
  if (!page.ok) {
    await bus.close();
    return page;
  }

  const handler: SessionHandler<ChatSession<ChatConnection> | undefined> = {
    open(session) {
      const format = session.protocol === CHAT_SUBPROTOCOL ? 'json' : 'text';
      const query = session.query;
      session.data = service?.open(session, format, { nick: query.get('name'), room: query.get('room') });
    },
    message(session, data, binary) {
      if (session.data) service?.receive(session.data, binary ? '' : (data as string), binary);
    },
    close(session) {
      if (session.data) service?.closed(session.data);
    },
  };

  const created = createServer<ChatSession<ChatConnection> | undefined>(
    {
      attach_to: page.value.nodeServer,
      path: CHAT_PATH,
      server_id: `chat-${bus.serverId.slice(0, 8)}`,
      subprotocols: [CHAT_SUBPROTOCOL],
      // Chat lines are short: compression would cost CPU per receiver for little gain.
      per_message_deflate: false,
      max_payload: 64 * 1024,
      // The facade's token bucket: a flood is closed with 1008.
      rate_limit: {
        messages_per_second: rateLimit.ratePerSecond,
        burst_seconds: rateLimit.burst / rateLimit.ratePerSecond,
        policy: 'close',
      },
    },
    handler,
  );
  if (!created.ok) {
    await page.value.stop();
    await bus.close();
    return { ok: false, error: { code: created.error.code, message: created.error.message } };
  }
  const ws = created.value;
  // The facade's own limiter enforces the rate, so the chat logic does not count again.
  service = new ChatService<ChatConnection>(bus, new FacadeFanout(ws), { rateLimit: false, log });
  const started = await ws.start();
  if (!started.ok) {
    await page.value.stop();
    await bus.close();
    return started;
  }

  const address = page.value.address;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const chat = service;
  return {
    ok: true,
    value: {
      port: address.port,
      pageUrl: `http://${hostForUrl}:${address.port}/`,
      wsUrl: `ws://${hostForUrl}:${address.port}${CHAT_PATH}`,
      bus,
      get connections() {
        return chat.connections;
      },
      health: () => healthReport(bus, chat.connections, startedAt, Date.now()),
      async stop() {
        await ws.stop({ code: 1001, reason: 'server shutting down' });
        await chat.settled();
        await page.value.stop();
        await bus.close();
      },
    },
  };
}
