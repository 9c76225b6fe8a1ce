import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { MessageData, ParleyError, Result } from '@parley/codec';
import type { HeadLimits } from '@parley/handshake';
import { type Connection, wrapSocket } from '@parley/transport';
import type { PlainHttpHandler, ResolvedServerConfig } from '../config/server-config.js';
import { BoundedQueue } from '../core/bounded-queue.js';
import { HeartbeatWheel } from '../core/heartbeat-wheel.js';
import { PauseReason, ProtocolConnection } from '../core/protocol-connection.js';
import type { CloseDetails } from '../core/types.js';
import { detachHeaderValues, detachString } from './detach-strings.js';
import { type FanOutOptions, type FanOutReport, fanOut } from './fan-out.js';
import type { SessionHandler } from './handler.js';
import type { UpgradeHead, UpgradeOutcome } from './negotiate-upgrade.js';
import { PendingUpgrade, type UpgradeHost } from './pending-upgrade.js';
import { type ServerAddress, type ServerListener, startListener } from './server-listener.js';
import { type ServerSettings, serverSettings } from './server-settings.js';
import { Session, type SessionHost } from './session.js';
import { MessageRateLimiter } from './token-bucket.js';
import { TopicRegistry } from './topics.js';
import { TypedEmitter } from './typed-emitter.js';

/** Events of `server.on(...)`. */
export type ServerEvents<D> = {
  connection: (session: Session<D>) => void;
  message: (session: Session<D>, data: string | Buffer, binary: boolean) => void;
  disconnection: (session: Session<D>, details: CloseDetails) => void;
  ping: (session: Session<D>, payload: Buffer) => void;
  pong: (session: Session<D>, payload: Buffer) => void;
  /** Session-level problems (rate limit, ...) carry the session; listener problems do not. */
  error: (error: ParleyError, session?: Session<D>) => void;
  listening: (address: ServerAddress) => void;
  /** A session's outgoing buffer reached the high-water mark (its reading pauses by default). */
  backpressure: (session: Session<D>, bufferedAmount: number) => void;
  /** A session's outgoing buffer drained below the high-water mark. */
  drain: (session: Session<D>) => void;
};

/** Pull-style events of `for await (const event of server.events())`, in arrival order. */
export type ServerEvent<D> =
  | { readonly type: 'connection'; readonly session: Session<D>; readonly data: undefined }
  | {
      readonly type: 'message';
      readonly session: Session<D>;
      readonly data: string | Buffer;
      readonly binary: boolean;
    }
  | { readonly type: 'disconnection'; readonly session: Session<D>; readonly data: CloseDetails };

export interface StopOptions {
  /** Close code sent to every session. Default 1001 (going away). */
  code?: number;
  reason?: string;
  /** Milliseconds to wait for close replies before destroying what is left. Default `close_timeout`. */
  timeout?: number;
}

export type ServerErrorCode = 'ALREADY_STARTED' | 'ATTACHED' | 'NOT_RUNNING' | 'LISTEN_FAILED';
export type ServerError = ParleyError<ServerErrorCode | string>;

/**
 * A WebSocket server. Create it with `createServer(config, handler?)`; `start()` listens (or
 * attaches to `attach_to`), `stop()` closes every session gracefully.
 */
export class Server<D = unknown>
  extends TypedEmitter<ServerEvents<D>>
  implements UpgradeHost<D>, SessionHost<D>
{
  readonly config: ResolvedServerConfig;
  /** Open sessions by id (read-only view; the server adds and removes them). */
  readonly sessions: ReadonlyMap<string, Session<D>>;
  private readonly byId = new Map<string, Session<D>>();
  readonly iteratorCapacity: number;
  readonly rateLimitPolicy: 'drop' | 'close';

  private readonly routes = new Map<string, SessionHandler<D>>();
  private readonly topicRegistry = new TopicRegistry<Session<D>>();
  private readonly pending = new Set<PendingUpgrade<D>>();
  private readonly wheel: HeartbeatWheel | null;
  private listener: ServerListener | null = null;
  private eventQueue: BoundedQueue<ServerEvent<D>> | null = null;
  private eventsPaused = false;
  private stopping = false;
  private nextId = 0;
  private readonly idPrefix: string;
  private readonly whenEmpty: Array<() => void> = [];
  readonly headLimits: HeadLimits;
  private readonly settings: ServerSettings;

  constructor(config: ResolvedServerConfig, handler: SessionHandler<D> = {}) {
    super();
    this.config = config;
    this.sessions = this.byId;
    this.routes.set(config.path, handler);
    this.iteratorCapacity = config.event_queue_size;
    this.rateLimitPolicy = config.rate_limit === false ? 'close' : config.rate_limit.policy;
    this.wheel = config.ping_interval > 0 ? new HeartbeatWheel(config.ping_interval) : null;
    this.idPrefix = `${config.server_id}-`;
    this.settings = serverSettings(config, this.wheel);
    this.headLimits = this.settings.headLimits;
  }

  /** Serves `handler` on another path too (`validate`/`open`/`message`/`close` per path). */
  route(path: string, handler: SessionHandler<D>): this {
    this.routes.set(path, handler);
    return this;
  }

  handlerFor(path: string): SessionHandler<D> | undefined {
    return this.routes.get(path);
  }

  get openSessions(): number {
    return this.sessions.size;
  }

  get httpHandler(): PlainHttpHandler | undefined {
    return this.config.http_handler;
  }

  /** Listening (or attached), or serving sessions handed over through `handleUpgrade`. */
  get running(): boolean {
    return this.listener !== null || this.sessions.size > 0;
  }

  /** Listens (standalone) or attaches to `attach_to`. Port in use comes back as an error value. */
  async start(): Promise<Result<ServerAddress, ServerError>> {
    if (this.listener !== null) {
      return { ok: false, error: { code: 'ALREADY_STARTED', message: 'server is already started' } };
    }
    this.stopping = false;
    const started = await startListener(this.config, this);
    if (!started.ok) return started;
    this.listener = started.value;
    const address = started.value.address();
    this.emit('listening', address);
    return { ok: true, value: address };
  }

  address(): ServerAddress | null {
    return this.listener?.address() ?? null;
  }

  /** `ws://host:port/path` (or wss://) of the default path, once started. */
  url(): string | null {
    const address = this.address();
    if (address === null) return null;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `${address.secure ? 'wss' : 'ws'}://${host}:${address.port}${this.config.path}`;
  }

  /**
   * Hands an HTTP upgrade from an existing node:http/https server to this WebSocket server
   * (for frameworks that own the `upgrade` event). Rejections are answered on the socket.
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const conn = wrapSocket(socket as never, { highWaterMark: this.config.backpressure.high_water_mark });
    if (this.stopping) {
      conn.destroy();
      return;
    }
    const pending = this.track(new PendingUpgrade<D>(this, conn));
    if (pending === null) return;
    pending.startParsed(
      {
        method: request.method ?? 'GET',
        target: request.url ?? '/',
        httpVersion: request.httpVersion,
        headers: request.headers,
      },
      head,
    );
  }

  /** @internal raw listener: a TCP/TLS connection was accepted. */
  acceptConnection(conn: Connection): void {
    if (this.stopping) {
      conn.destroy();
      return;
    }
    this.track(new PendingUpgrade<D>(this, conn))?.startRaw();
  }

  /**
   * Handshakes in progress are bounded like sessions: past `max_connections` of them a new one
   * is answered 503 at once instead of holding a buffer and a timer for `handshake_timeout`.
   */
  private track(pending: PendingUpgrade<D>): PendingUpgrade<D> | null {
    if (this.pending.size >= this.config.max_connections) {
      pending.refuse('too many handshakes in progress');
      return null;
    }
    this.pending.add(pending);
    return pending;
  }

  settled(pending: PendingUpgrade<D>): void {
    this.pending.delete(pending);
  }

  upgraded(
    conn: Connection,
    head: UpgradeHead,
    outcome: UpgradeOutcome<D> & { accept: true },
    rest: Buffer,
  ): void {
    const config = this.config;
    const id = this.idPrefix + (this.nextId++).toString(36);
    const limiter = config.rate_limit === false ? null : new MessageRateLimiter(config.rate_limit);
    const session = new Session<D>(
      id,
      this,
      outcome.handler,
      {
        // Detached so the session does not keep the whole request head alive (detach-strings.ts).
        target: detachString(head.target),
        headers: detachHeaderValues(head.headers),
        protocol: outcome.protocol,
        extensions: outcome.extensions,
        deflate: outcome.deflate,
      },
      outcome.data as D,
      limiter,
    );
    session.core = new ProtocolConnection(conn, session, this.settings.coreOptions(outcome.deflate));
    this.byId.set(id, session);
    if (this.eventsPaused) session.core.pauseReading(PauseReason.QueueFull);
    session.onOpen();
    this.emit('connection', session);
    this.eventQueue?.push({ type: 'connection', session, data: undefined });
    session.core.start(rest);
  }

  // ---- fan-out -------------------------------------------------------------------------

  /** Sends one message to every open session; the frame is encoded once. */
  broadcast(data: MessageData, options?: FanOutOptions<D>): FanOutReport {
    return fanOut(this.sessions.values(), data, options, this.settings.compression);
  }

  /** Sends one message to every session subscribed to `topic`. */
  publish(topic: string, data: MessageData, options?: FanOutOptions<D>): FanOutReport {
    return fanOut(this.topicRegistry.members(topic), data, options, this.settings.compression);
  }

  subscribe(session: Session<D>, topic: string): boolean {
    if (session.core.readyState === 3) return false;
    return this.topicRegistry.subscribe(session, topic);
  }

  unsubscribe(session: Session<D>, topic: string): boolean {
    return this.topicRegistry.unsubscribe(session, topic);
  }

  subscriberCount(topic: string): number {
    return this.topicRegistry.subscriberCount(topic);
  }

  topics(): string[] {
    return this.topicRegistry.topicNames();
  }

  // ---- pull style ------------------------------------------------------------------------

  /**
   * `for await (const event of server.events())`: connections, messages and disconnections in
   * arrival order. The queue is bounded (`event_queue_size`): when it is full, reading from
   * every session pauses until the loop catches up. One consumer at a time.
   */
  events(): AsyncIterableIterator<ServerEvent<D>> {
    if (this.eventQueue !== null) return this.eventQueue;
    const queue: BoundedQueue<ServerEvent<D>> = new BoundedQueue(this.config.event_queue_size, {
      full: () => this.setEventsPaused(true),
      resume: () => this.setEventsPaused(false),
      detached: () => {
        if (this.eventQueue === queue) this.eventQueue = null;
      },
    });
    this.eventQueue = queue;
    return queue;
  }

  private setEventsPaused(paused: boolean): void {
    this.eventsPaused = paused;
    for (const session of this.sessions.values()) {
      if (paused) session.core.pauseReading(PauseReason.QueueFull);
      else session.core.resumeReading(PauseReason.QueueFull);
    }
  }

  // ---- SessionHost -----------------------------------------------------------------------

  dispatchMessage(session: Session<D>, data: string | Buffer, binary: boolean): void {
    this.emit('message', session, data, binary);
    this.eventQueue?.push({ type: 'message', session, data, binary });
  }

  dispatchPing(session: Session<D>, payload: Buffer): void {
    this.emit('ping', session, payload);
  }

  dispatchPong(session: Session<D>, payload: Buffer): void {
    this.emit('pong', session, payload);
  }

  dispatchError(session: Session<D>, error: ParleyError): void {
    this.emit('error', error, session);
  }

  dispatchClose(session: Session<D>, details: CloseDetails): void {
    this.byId.delete(session.id);
    this.topicRegistry.leaveAll(session);
    this.emit('disconnection', session, details);
    this.eventQueue?.push({ type: 'disconnection', session, data: details });
    if (this.sessions.size === 0 && this.whenEmpty.length > 0) {
      for (const resolve of this.whenEmpty.splice(0)) resolve();
    }
  }

  dispatchBackpressure(session: Session<D>, bufferedAmount: number): void {
    this.emit('backpressure', session, bufferedAmount);
  }

  dispatchDrain(session: Session<D>): void {
    this.emit('drain', session);
  }

  /** @internal listener-level failures (TLS handshakes that failed, accept errors). */
  reportError(error: ParleyError): void {
    this.emit('error', error);
  }

  // ---- stop ------------------------------------------------------------------------------

  /**
   * Stops accepting, sends a close frame (default 1001) to every session after whatever was
   * already queued for it, waits for the close replies up to `timeout`, then ends or destroys
   * the sockets and the listener. Resolves with how many sessions closed cleanly.
   */
  async stop(
    options: StopOptions = {},
  ): Promise<Result<{ closed: number; terminated: number }, ServerError>> {
    const listener = this.listener;
    // A server fed only through handleUpgrade has no listener but may have sessions to close.
    if (listener === null && this.sessions.size === 0 && this.pending.size === 0) {
      return { ok: false, error: { code: 'NOT_RUNNING', message: 'server is not running' } };
    }
    this.stopping = true;
    this.listener = null;
    listener?.stopAccepting();
    for (const pending of [...this.pending]) pending.refuse();
    const code = options.code ?? 1001;
    const reason = options.reason ?? 'server shutting down';
    const total = this.sessions.size;
    for (const session of this.sessions.values()) {
      session.core.resumeReading(PauseReason.QueueFull | PauseReason.Application);
      session.close(code, reason);
    }
    if (this.sessions.size > 0) {
      const timeout = options.timeout ?? this.config.close_timeout;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeout);
        this.whenEmpty.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    let terminated = 0;
    for (const session of [...this.sessions.values()]) {
      terminated++;
      session.core.terminate('server stopped before the close handshake finished');
    }
    this.wheel?.clear();
    this.eventQueue?.end();
    this.eventQueue = null;
    await listener?.close();
    return { ok: true, value: { closed: total - terminated, terminated } };
  }
}
