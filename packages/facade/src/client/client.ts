import type { MessageData, MessageStream, MessageStreamOptions, SendErrorCode } from '@parley/codec';
import { ProtocolConnection } from '../core/protocol-connection.js';
import type { CloseDetails, ConnectionOwner, SendResult } from '../core/types.js';
import { err, ok, type ParleyError, type Result } from '../result.js';
import { isRetryableStatus, reconnectDelay } from './backoff.js';
import { type AttemptFailure, type ClientError, toClientError } from './client-error.js';
import type { ClientCloseInfo, ClientEventMap, ClientState, OpenInfo } from './client-events.js';
import type { ClientConfig } from './config.js';
import { clientConnectionOptions } from './connection-options.js';
import type { Environment } from './proxy-env.js';
import { BoundedSendQueue } from './send-queue.js';
import { TypedEmitter } from './typed-emitter.js';
import { performUpgrade, type Upgraded } from './upgrade.js';

export type ClientSendError = ParleyError<SendErrorCode | 'QUEUE_FULL'>;

/** Things tests (and embedders) may replace: the environment for proxy lookup, the jitter source. */
export interface ClientRuntime {
  readonly env?: Environment;
  readonly random?: () => number;
}

type StartWaiter = (result: Result<OpenInfo, ClientError>) => void;

/**
 * A WebSocket client connection that (by default) stays connected: `start()` resolves after
 * the WebSocket handshake; when the connection drops without the user asking, it reconnects
 * with exponential backoff and flushes messages queued meanwhile, in order. Built on the
 * facade's session core (`ProtocolConnection`), the same protocol binding server sessions use.
 */
export class Client extends TypedEmitter<ClientEventMap> implements ConnectionOwner {
  readonly config: ClientConfig;
  readonly id: string;
  #state: ClientState = 'closed';
  #core: ProtocolConnection | null = null;
  #openInfo: OpenInfo | null = null;
  readonly #queue: BoundedSendQueue;
  /** The user wants a connection: start() called, close()/stop() not. */
  #wanted = false;
  /** Bumped whenever a connect loop must stop; a loop holding an older value quits. */
  #generation = 0;
  #attemptAbort: AbortController | null = null;
  #waitTimer: ReturnType<typeof setTimeout> | null = null;
  #wakeWait: (() => void) | null = null;
  #startWaiters: StartWaiter[] = [];
  #closedWaiters: (() => void)[] = [];
  #everOpened = false;
  #reconnects = 0;
  readonly #env: Environment;
  readonly #random: () => number;

  constructor(config: ClientConfig, runtime: ClientRuntime = {}) {
    super();
    this.config = config;
    this.id = config.client_id;
    this.#queue = new BoundedSendQueue(config.send_queue);
    this.#env = runtime.env ?? process.env;
    this.#random = runtime.random ?? Math.random;
  }

  get readyState(): ClientState {
    return this.#state;
  }

  /** The URL of the current connection (after redirects), else the configured one. */
  get url(): string {
    return this.#openInfo?.url ?? this.config.url;
  }

  get protocol(): string {
    return this.#openInfo?.protocol ?? '';
  }

  get extensions(): string {
    return this.#openInfo?.extensions ?? '';
  }

  /** Bytes not yet handed to the network: queued for a reconnect plus buffered in the socket. */
  get bufferedAmount(): number {
    return this.#queue.bytes + (this.#core?.bufferedAmount ?? 0);
  }

  /** Messages waiting for the connection to (re)open. */
  get queuedMessages(): number {
    return this.#queue.length;
  }

  /**
   * Connects. Resolves after the WebSocket handshake, or with the final error when the server
   * refused (4xx), reconnect is off, or `max_retries` ran out. Calling it while connecting
   * returns the same outcome; while open it resolves at once.
   */
  start(): Promise<Result<OpenInfo, ClientError>> {
    if (this.#state === 'open' && this.#openInfo !== null) return Promise.resolve(ok(this.#openInfo));
    const outcome = new Promise<Result<OpenInfo, ClientError>>((resolve) => this.#startWaiters.push(resolve));
    if (!this.#wanted) {
      this.#wanted = true;
      this.#state = 'connecting';
      void this.#connectLoop(++this.#generation, 0, '');
    }
    return outcome;
  }

  /** Closes (no reconnect) and resolves once the connection is fully closed. */
  stop(code = 1000, reason = ''): Promise<void> {
    if (this.#state === 'closed' && !this.#wanted) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.#closedWaiters.push(resolve));
    const started = this.close(code, reason);
    if (!started.ok) this.#core?.terminate('stopped');
    return closed;
  }

  /** Destroys the connection now without a close handshake (no reconnect); `close` reports 1006. */
  terminate(): void {
    const core = this.#core;
    if (core !== null && !core.isFinished) {
      this.#wanted = false;
      core.terminate('terminated locally');
      return;
    }
    this.close();
  }

  /**
   * Starts the close handshake and turns reconnect off for this connection. While still
   * connecting, the attempt is abandoned and `close` reports 1006.
   */
  close(code = 1000, reason = ''): Result<void, ClientSendError> {
    const core = this.#core;
    if (core !== null && !core.isFinished) {
      if (core.protocol.state === 'open') {
        const started = core.close(code, reason);
        if (!started.ok) return started;
      }
      this.#wanted = false;
      this.#state = 'closing';
      return ok();
    }
    if (!this.#wanted) return ok();
    this.#wanted = false;
    this.#cancelConnecting();
    const message = 'closed before the connection opened';
    this.#finish({ code: 1006, reason: message, wasClean: false, initiatedBy: 'local', diagnostic: message });
    return ok();
  }

  /**
   * Sends a text (string) or binary message. While reconnecting the message is queued
   * (outcome `queued`) up to `send_queue`'s bounds; beyond them, or when closed, it is
   * refused with an error value. Never silently dropped.
   */
  send(
    data: MessageData,
    options: { binary?: boolean; compress?: boolean } = {},
  ): Result<SendResult, ClientSendError> {
    const binary = options.binary ?? typeof data !== 'string';
    const core = this.#core;
    if (this.#state === 'open' && core !== null) return core.send(data, binary, options.compress);
    if (!this.#willBeOpen())
      return err({ code: 'NOT_OPEN', message: `cannot send: the client is ${this.#state}` });
    const copy = typeof data === 'string' ? data : copyBytes(data);
    const size = typeof copy === 'string' ? Buffer.byteLength(copy) : copy.length;
    if (!this.#queue.push({ data: copy, binary, size })) {
      const { max_messages, max_bytes } = this.config.send_queue;
      return err({
        code: 'QUEUE_FULL',
        message: `send queue full (${this.#queue.length} messages, ${this.#queue.bytes} bytes; limits ${max_messages} / ${max_bytes}): message refused`,
      });
    }
    return ok({
      payloadSize: size,
      wireSize: 0,
      compressed: false,
      pending: true,
      outcome: 'queued',
      bufferedAmount: this.bufferedAmount,
    });
  }

  /**
   * Streams one large message in pieces (`write(chunk)` … `end()`), IXWebSocket's "send with
   * progress": `onProgress({ sent, total })` after every fragment, returning false cancels
   * (the connection then closes 1000 'message cancelled'). Only while open: a stream is not
   * queued for a reconnect.
   */
  sendStream(options?: MessageStreamOptions): Result<MessageStream, ClientSendError> {
    const core = this.#core;
    if (this.#state !== 'open' || core === null) {
      return err({ code: 'NOT_OPEN', message: `cannot stream: the client is ${this.#state}` });
    }
    return ok(core.protocol.sendStream(options));
  }

  ping(payload?: string | Buffer): Result<void, ClientSendError> {
    const core = this.#core;
    if (this.#state !== 'open' || core === null)
      return err({ code: 'NOT_OPEN', message: 'cannot ping: not open' });
    return core.sendPing(payload);
  }

  // ---- ConnectionOwner (session core → us) ------------------------------------------------

  onMessage(data: string | Buffer, binary: boolean): void {
    this.emit('message', data, binary);
  }

  onPing(payload: Buffer): void {
    this.emit('ping', payload);
  }

  onPong(payload: Buffer): void {
    this.emit('pong', payload);
  }

  onHighWater(bufferedAmount: number): void {
    this.emit('highWater', bufferedAmount);
  }

  onDrain(): void {
    this.emit('drain');
  }

  onClosing(): void {
    if (this.#state === 'open') this.#state = 'closing';
  }

  onClose(details: CloseDetails): void {
    this.#core = null;
    this.#openInfo = null;
    const info = {
      code: details.code,
      reason: details.reason,
      wasClean: details.wasClean,
      initiatedBy: details.initiatedBy,
      diagnostic: details.diagnostic,
      ...(details.error === undefined ? {} : { protocolError: details.error }),
    };
    if (this.#wanted && this.config.reconnect.enabled && this.#retryAllowed(1)) {
      this.#state = 'connecting';
      this.emit('close', { ...info, willReconnect: true, unsent: 0 });
      if (this.#wanted) void this.#connectLoop(++this.#generation, 1, details.reason || details.diagnostic);
      return;
    }
    this.#wanted = false;
    this.#finish(info);
  }

  // ---- connecting -------------------------------------------------------------------------

  async #connectLoop(generation: number, firstAttempt: number, previousReason: string): Promise<void> {
    let reason = previousReason;
    let wait = firstAttempt > 0 ? reconnectDelay(firstAttempt, this.config.reconnect, this.#random) : 0;
    for (let attempt = firstAttempt; ; attempt++) {
      if (attempt > 0) {
        this.emit('reconnecting', { retries: attempt, wait_time: wait, reason });
        if (generation !== this.#generation) return;
        await this.#sleep(wait);
      }
      if (generation !== this.#generation) return;
      const result = await this.#attempt();
      if (generation !== this.#generation) {
        if (result.ok) result.value.connection.destroy();
        return;
      }
      if (result.ok) {
        this.#opened(result.value, attempt);
        return;
      }
      const failure = result.error;
      const next = attempt + 1;
      if (
        !this.config.reconnect.enabled ||
        !isRetryableStatus(failure.http_status) ||
        !this.#retryAllowed(next)
      ) {
        this.#giveUp(failure, attempt);
        return;
      }
      wait = reconnectDelay(next, this.config.reconnect, this.#random);
      reason = failure.message;
      this.emit('error', toClientError(failure, attempt, wait));
      if (generation !== this.#generation) return;
    }
  }

  async #attempt(): Promise<Result<Upgraded, AttemptFailure>> {
    const controller = new AbortController();
    this.#attemptAbort = controller;
    const timeout = this.config.handshake_timeout;
    const timer = timeout > 0 ? setTimeout(() => controller.abort(), timeout) : null;
    try {
      return await performUpgrade(this.config, controller.signal, this.#env);
    } finally {
      if (timer !== null) clearTimeout(timer);
      if (this.#attemptAbort === controller) this.#attemptAbort = null;
    }
  }

  #opened(upgraded: Upgraded, attempt: number): void {
    const core = new ProtocolConnection(
      upgraded.connection,
      this,
      clientConnectionOptions(this.config, upgraded),
    );
    if (this.#everOpened && attempt > 0) this.#reconnects++;
    this.#everOpened = true;
    const info: OpenInfo = {
      url: upgraded.url.href,
      protocol: upgraded.protocol ?? '',
      extensions: upgraded.extensions,
      headers: upgraded.headers,
      redirects: upgraded.redirects,
      reconnects: this.#reconnects,
    };
    this.#core = core;
    this.#openInfo = info;
    this.#state = 'open';
    this.#flushQueue(core);
    const waiters = this.#startWaiters;
    this.#startWaiters = [];
    for (const resolve of waiters) resolve(ok(info));
    this.emit('open', info);
    if (core.isFinished) return;
    core.start(upgraded.rest);
    // The upgrade paused reading; resume unless the core paused it meanwhile (e.g. the queue
    // flush above crossed the high-water mark) — then its drain resumes it.
    if (!core.readingPaused) upgraded.connection.resume();
  }

  #flushQueue(core: ProtocolConnection): void {
    for (let message = this.#queue.shift(); message !== undefined; message = this.#queue.shift()) {
      const sent = core.send(message.data, message.binary);
      if (!sent.ok || sent.value.outcome === 'dropped') {
        this.emit('error', {
          code: 'MESSAGES_UNSENT',
          message: `a queued message could not be sent on reopen: ${sent.ok ? 'dropped by the backpressure policy' : sent.error.message}`,
          retries: 0,
        });
      }
    }
  }

  #giveUp(failure: AttemptFailure, attempt: number): void {
    const error = toClientError(failure, attempt);
    this.#wanted = false;
    this.emit('error', error);
    this.#finish({
      code: 1006,
      reason: failure.message,
      wasClean: false,
      initiatedBy: 'transport',
      diagnostic: failure.message,
      error,
    });
  }

  /** The client is closed for good: report unsent messages, settle every waiter, emit `close`. */
  #finish(info: Omit<ClientCloseInfo, 'willReconnect' | 'unsent'>): void {
    this.#state = 'closed';
    const unsent = this.#queue.takeAll().length;
    if (unsent > 0) {
      this.emit('error', {
        code: 'MESSAGES_UNSENT',
        message: `${unsent} queued message(s) were not sent: the client closed (${info.reason})`,
        retries: 0,
      });
    }
    const startWaiters = this.#startWaiters;
    this.#startWaiters = [];
    const failure: ClientError = info.error ?? { code: 'STOPPED', message: info.reason, retries: 0 };
    for (const resolve of startWaiters) resolve(err(failure));
    this.emit('close', { ...info, willReconnect: false, unsent });
    const closedWaiters = this.#closedWaiters;
    this.#closedWaiters = [];
    for (const resolve of closedWaiters) resolve();
  }

  #willBeOpen(): boolean {
    if (!this.#wanted) return false;
    if (this.#state === 'connecting') return true;
    return this.#state === 'closing' && this.config.reconnect.enabled;
  }

  #retryAllowed(retry: number): boolean {
    const max = this.config.reconnect.max_retries;
    return max === undefined || retry <= max;
  }

  #cancelConnecting(): void {
    this.#generation++;
    this.#attemptAbort?.abort();
    this.#attemptAbort = null;
    if (this.#waitTimer !== null) clearTimeout(this.#waitTimer);
    this.#waitTimer = null;
    const wake = this.#wakeWait;
    this.#wakeWait = null;
    wake?.();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#wakeWait = resolve;
      this.#waitTimer = setTimeout(() => {
        this.#waitTimer = null;
        this.#wakeWait = null;
        resolve();
      }, ms);
    });
  }
}

function copyBytes(data: Exclude<MessageData, string>): Buffer {
  if (data instanceof ArrayBuffer) return Buffer.from(new Uint8Array(data));
  return Buffer.from(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}
