import type { MessageData, ParleyError, PerMessageDeflateParams, Result } from '@parley/codec';
import { BoundedQueue } from '../core/bounded-queue.js';
import { PauseReason, type ProtocolConnection } from '../core/protocol-connection.js';
import type { CloseDetails, ConnectionOwner, SendError, SendResult } from '../core/types.js';
import type { HeaderMap, SessionHandler } from './handler.js';
import type { MessageRateLimiter } from './token-bucket.js';
import type { TopicMember } from './topics.js';

/** A message as `for await (const msg of session)` yields it. */
export interface SessionMessage {
  readonly data: string | Buffer;
  readonly binary: boolean;
}

/** The server side of a session: what a session reports to and asks of its server. */
export interface SessionHost<D> {
  readonly iteratorCapacity: number;
  subscribe(session: Session<D>, topic: string): boolean;
  unsubscribe(session: Session<D>, topic: string): boolean;
  /** Message admitted by the rate limiter and delivered to the handler: server events next. */
  dispatchMessage(session: Session<D>, data: string | Buffer, binary: boolean): void;
  dispatchPing(session: Session<D>, payload: Buffer): void;
  dispatchPong(session: Session<D>, payload: Buffer): void;
  dispatchError(session: Session<D>, error: ParleyError): void;
  dispatchClose(session: Session<D>, details: CloseDetails): void;
  dispatchBackpressure(session: Session<D>, bufferedAmount: number): void;
  dispatchDrain(session: Session<D>): void;
  rateLimitPolicy: 'drop' | 'close';
}

/** What the handshake learnt about a session; kept for the application to read. */
export interface SessionRequest {
  readonly target: string;
  readonly headers: HeaderMap;
  readonly protocol: string | null;
  readonly extensions: string;
  readonly deflate: PerMessageDeflateParams | null;
}

/** WHATWG numbering: 1 OPEN, 2 CLOSING, 3 CLOSED (a session exists only after the upgrade). */
export type SessionReadyState = 1 | 2 | 3;

/**
 * One accepted WebSocket connection on a server. `D` is the application's per-session state
 * (`session.data`, set by `validate` or directly). Everything is a value: `send` returns a
 * `Result` whose `outcome` says whether the message was sent, queued behind backpressure or
 * dropped by the policy.
 */
export class Session<D = unknown> implements ConnectionOwner, TopicMember, AsyncIterable<SessionMessage> {
  readonly id: string;
  data: D;
  /** @internal topic set, created on first subscribe. */
  topics: Set<string> | null = null;
  /** @internal */
  core!: ProtocolConnection;

  private handler: SessionHandler<D>;
  private readonly host: SessionHost<D>;
  private readonly request: SessionRequest;
  private readonly limiter: MessageRateLimiter | null;
  private iterator: BoundedQueue<SessionMessage> | null = null;
  private closeDetails: CloseDetails | null = null;

  constructor(
    id: string,
    host: SessionHost<D>,
    handler: SessionHandler<D>,
    request: SessionRequest,
    data: D,
    limiter: MessageRateLimiter | null,
  ) {
    this.id = id;
    this.host = host;
    this.handler = handler;
    this.request = request;
    this.data = data;
    this.limiter = limiter;
  }

  get remoteAddress(): string {
    return this.core.transport.remoteAddress;
  }
  get remotePort(): number {
    return this.core.transport.remotePort;
  }
  get secure(): boolean {
    return this.core.transport.secure;
  }
  /** Request path without the query. */
  get path(): string {
    const target = this.request.target;
    const q = target.indexOf('?');
    return q < 0 ? target : target.slice(0, q);
  }
  get query(): URLSearchParams {
    const target = this.request.target;
    const q = target.indexOf('?');
    return new URLSearchParams(q < 0 ? '' : target.slice(q + 1));
  }
  get headers(): HeaderMap {
    return this.request.headers;
  }
  /** The negotiated subprotocol, or null. */
  get protocol(): string | null {
    return this.request.protocol;
  }
  /** The negotiated `Sec-WebSocket-Extensions` response value ('' when none). */
  get extensions(): string {
    return this.request.extensions;
  }
  /** The negotiated permessage-deflate parameters, or null. */
  get deflateParams(): PerMessageDeflateParams | null {
    return this.request.deflate;
  }
  get readyState(): SessionReadyState {
    return this.core.readyState;
  }
  get bufferedAmount(): number {
    return this.core.bufferedAmount;
  }
  /** True while the server is not reading from this peer (backpressure, full queue, `pause()`). */
  get readingPaused(): boolean {
    return this.core.readingPaused;
  }
  /** Set once the session has closed: how and why. */
  get closeInfo(): CloseDetails | null {
    return this.closeDetails;
  }
  get currentHandler(): SessionHandler<D> {
    return this.handler;
  }

  /** Text for strings, binary for bytes (override with `binary`). */
  send(data: MessageData, options?: { binary?: boolean; compress?: boolean }): Result<SendResult, SendError> {
    return this.core.send(data, options?.binary, options?.compress);
  }

  /** Streams a large message in pieces; `onProgress` returning false cancels it. */
  sendStream(options?: Parameters<ProtocolConnection['protocol']['sendStream']>[0]) {
    return this.core.protocol.sendStream(options);
  }

  ping(payload?: string | Buffer): Result<void, SendError> {
    return this.core.sendPing(payload);
  }

  close(code?: number, reason?: string): Result<void, SendError> {
    return this.core.close(code, reason);
  }

  /** Destroys the connection without a close handshake (close code 1006). */
  terminate(): void {
    this.core.terminate('terminated by the application');
  }

  subscribe(topic: string): boolean {
    return this.host.subscribe(this, topic);
  }
  unsubscribe(topic: string): boolean {
    return this.host.unsubscribe(this, topic);
  }
  isSubscribed(topic: string): boolean {
    return this.topics?.has(topic) ?? false;
  }
  /** Topics this session joined. */
  get subscriptions(): string[] {
    return this.topics === null ? [] : [...this.topics];
  }

  /**
   * Hands this live session to another handler (lobby → game room). Messages are dispatched
   * synchronously to whichever handler is current, so none is lost or delivered twice.
   */
  setHandler(next: SessionHandler<D>): void {
    const previous = this.handler;
    this.handler = next;
    next.enter?.(this, previous);
  }

  /** Stops reading from the peer until `resume()` (application-level flow control). */
  pause(): void {
    this.core.pauseReading(PauseReason.Application);
  }
  resume(): void {
    this.core.resumeReading(PauseReason.Application);
  }

  /** `for await (const { data, binary } of session)`: messages until the session closes. */
  [Symbol.asyncIterator](): AsyncIterator<SessionMessage> {
    if (this.iterator === null || this.iterator.isEnded) {
      const queue = new BoundedQueue<SessionMessage>(this.host.iteratorCapacity, {
        full: () => this.core.pauseReading(PauseReason.QueueFull),
        resume: () => this.core.resumeReading(PauseReason.QueueFull),
        detached: () => {
          if (this.iterator === queue) this.iterator = null;
        },
      });
      if (this.closeDetails !== null) queue.end();
      this.iterator = queue;
    }
    return this.iterator;
  }

  // ---- ConnectionOwner (called by the core) ---------------------------------------------

  /** @internal */
  onOpen(): void {
    this.handler.open?.(this);
  }

  onMessage(data: string | Buffer, binary: boolean): void {
    const limiter = this.limiter;
    if (limiter !== null) {
      const breach = limiter.admit(typeof data === 'string' ? Buffer.byteLength(data) : data.length);
      if (breach !== null) {
        this.rateLimited(breach);
        return;
      }
    }
    this.handler.message?.(this, data, binary);
    this.iterator?.push({ data, binary });
    this.host.dispatchMessage(this, data, binary);
  }

  onPing(payload: Buffer): void {
    this.handler.ping?.(this, payload);
    this.host.dispatchPing(this, payload);
  }

  onPong(payload: Buffer): void {
    this.handler.pong?.(this, payload);
    this.host.dispatchPong(this, payload);
  }

  onHighWater(bufferedAmount: number): void {
    this.host.dispatchBackpressure(this, bufferedAmount);
  }

  onDrain(): void {
    this.host.dispatchDrain(this);
  }

  onClose(details: CloseDetails): void {
    this.closeDetails = details;
    this.iterator?.end();
    this.handler.close?.(this, details);
    this.host.dispatchClose(this, details);
  }

  private rateLimited(breach: 'messages' | 'bytes'): void {
    const error: ParleyError<'RATE_LIMITED'> = {
      code: 'RATE_LIMITED',
      message: `session ${this.id} exceeded its ${breach === 'messages' ? 'messages' : 'bytes'} per second limit`,
    };
    this.handler.error?.(this, error);
    this.host.dispatchError(this, error);
    if (this.host.rateLimitPolicy === 'close' && this.core.readyState === 1) {
      this.core.close(1008, 'rate limit exceeded');
    }
  }
}
