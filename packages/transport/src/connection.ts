import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { scheduleUncork, type Uncorkable } from './cork-scheduler.js';
import { DEFAULT_HIGH_WATER_MARK } from './defaults.js';
import { type TransportError, toTransportError } from './transport-error.js';

/** What the owner of a connection (the facade) implements: one object per connection. */
export interface ConnectionHandler {
  /** A chunk as the socket delivered it; any split of the stream. */
  data(chunk: Buffer): void;
  /** The write buffer, after crossing the high-water mark, has been flushed to the kernel. */
  drain?(): void;
  /** `bufferedAmount` reached `highWaterMark`: wait for `drain`, drop, or close. */
  highWater?(bufferedAmount: number): void;
  /** The socket is closed; `error` is set when it closed abnormally (ECONNRESET, TLS alert...). */
  end?(error?: TransportError): void;
}

export interface ConnectionOptions {
  /** Bytes buffered for writing at which `highWater` fires. Default 1 MiB (see README). */
  highWaterMark?: number;
  /** Disable Nagle's algorithm. Default true: frames are corked per tick, Nagle only adds latency. */
  noDelay?: boolean;
  /** Role in the TLS session, used to word TLS errors. Default 'server' for wrapped sockets. */
  role?: 'client' | 'server';
}

const TICK_IDLE = 0;
const TICK_HOLDING = 1;
const TICK_CORKED = 2;
type TickState = typeof TICK_IDLE | typeof TICK_HOLDING | typeof TICK_CORKED;

const kConnection = Symbol('parley.connection');
type OwnedSocket = Socket & { [kConnection]?: Connection };

const NOOP_HANDLER: ConnectionHandler = { data() {} };

// Socket listeners are module-level functions (`this` is the socket): attaching them costs no
// closure per connection, and no allocation happens per chunk beyond what the socket does.
function onSocketData(this: OwnedSocket, chunk: Buffer): void {
  const conn = this[kConnection]!;
  conn.inData = true;
  try {
    conn.handler.data(chunk);
  } finally {
    conn.inData = false;
    // What the owner wrote while handling the chunk (an echo, a reply, a pong) leaves now, as
    // one write or one writev, instead of from a scheduled tick: request/response traffic
    // costs no nextTick per message.
    conn.flushHeld();
  }
}
function onSocketDrain(this: OwnedSocket): void {
  this[kConnection]!.socketDrained();
}
function onSocketError(this: OwnedSocket, error: Error): void {
  this[kConnection]!.socketFailed(error);
}
function onSocketClose(this: OwnedSocket): void {
  this[kConnection]!.socketClosed();
}
/** The peer sent FIN on a half-open-capable socket (node:http's): finish our side too. */
function onSocketEnd(this: OwnedSocket): void {
  this[kConnection]!.end();
}
function onSocketTimeout(this: OwnedSocket): void {
  this[kConnection]!.socketIdle();
}

/**
 * One open TCP or TLS stream. Writes made in the same tick are corked into one syscall;
 * `bufferedAmount` and the `highWater` / `drain` pair give the owner write backpressure,
 * `pause` / `resume` give read backpressure. Nothing here knows about WebSocket frames.
 */
export class Connection implements Uncorkable {
  /** @internal the current handler; read by the socket listeners. */
  handler: ConnectionHandler = NOOP_HANDLER;
  /** Bytes buffered for writing at which `highWater` fires. */
  readonly highWaterMark: number;
  /** @internal set by a Listener to track its open connections. */
  onClosed: ((conn: Connection) => void) | null = null;
  /** @internal true while this socket's 'data' listener runs; its writes are flushed when it returns. */
  inData = false;

  private readonly socket: OwnedSocket;
  private readonly role: 'client' | 'server';
  /** What this tick's writes did so far: nothing, one held back here, or a corked socket. */
  private tick: TickState = TICK_IDLE;
  /** The first write of the tick, held until the tick ends or a second write arrives. */
  private held: Buffer | null = null;
  private aboveHighWater = false;
  private reading = false;
  private closed = false;
  private endDelivered = false;
  private failure: TransportError | undefined = undefined;
  private onIdle: (() => void) | null = null;

  constructor(socket: Socket, options: ConnectionOptions = {}) {
    this.socket = socket as OwnedSocket;
    this.role = options.role ?? 'server';
    // Below the socket's own mark Node would not emit 'drain' for us, so never go under it.
    this.highWaterMark = Math.max(
      options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK,
      socket.writableHighWaterMark,
    );
    this.socket[kConnection] = this;
    if (options.noDelay ?? true) socket.setNoDelay(true);
    socket.on('drain', onSocketDrain);
    socket.on('error', onSocketError);
    socket.on('close', onSocketClose);
    // node:http servers allow half-open sockets, so an upgraded socket would stay open after the
    // peer's FIN and `end` would never fire. A WebSocket has no use for half-open: close too.
    if (socket.allowHalfOpen) socket.on('end', onSocketEnd);
    if (socket.destroyed) this.closed = true;
  }

  /**
   * Sets the object that receives this connection's events. Reading starts with the first
   * call, so bytes that arrive before the owner is ready wait in the socket, not in a void.
   */
  setHandler(handler: ConnectionHandler): void {
    this.handler = handler;
    if (!this.reading) {
      this.reading = true;
      this.socket.on('data', onSocketData);
    }
    if (this.closed && !this.endDelivered) process.nextTick(deliverEnd, this);
  }

  /**
   * Queues `data` for the peer. Writes are collected until the end of the tick and then handed
   * to the socket together: one write, or one corked `writev` when there are several. Returns
   * false when the buffer is at or above the high-water mark (or the connection is closed):
   * wait for `drain`.
   */
  write(data: Buffer): boolean {
    const socket = this.socket;
    if (this.closed || socket.writableEnded) return false;
    const tick = this.tick;
    if (tick === TICK_CORKED) {
      socket.write(data);
    } else if (tick === TICK_IDLE) {
      // One write per tick is the common case (a frame, a broadcast): hold it, no cork needed.
      this.tick = TICK_HOLDING;
      this.held = data;
      // Inside our own 'data' listener the listener flushes on return; elsewhere the tick's end does.
      if (!this.inData) scheduleUncork(this);
    } else {
      // A second write in the tick: cork, so everything leaves in one writev at the tick's end.
      this.tick = TICK_CORKED;
      socket.cork();
      socket.write(this.held!);
      this.held = null;
      socket.write(data);
    }
    if (this.aboveHighWater) return false;
    const buffered = this.bufferedAmount;
    if (buffered < this.highWaterMark) return true;
    this.aboveHighWater = true;
    this.handler.highWater?.(buffered);
    return false;
  }

  /** @internal called by the cork scheduler at the end of the tick. */
  uncorkNow(): void {
    const tick = this.tick;
    this.tick = TICK_IDLE;
    if (tick === TICK_CORKED) {
      this.socket.uncork();
    } else if (tick === TICK_HOLDING) {
      const held = this.held!;
      this.held = null;
      if (!this.socket.destroyed) this.socket.write(held);
    }
    // `highWater` may have fired for bytes we were still holding. Node emits 'drain' only when
    // its own buffer needed draining; if the kernel took everything at once it never will, so
    // pair the signal ourselves, after the current tick like a real 'drain'.
    if (this.aboveHighWater && !this.socket.writableNeedDrain) process.nextTick(drainIfFlushed, this);
  }

  /** @internal flushes the writes held or corked in this tick, if any. */
  flushHeld(): void {
    if (this.tick !== TICK_IDLE) this.uncorkNow();
  }

  /** Bytes accepted by `write` and not yet handed to the kernel. */
  get bufferedAmount(): number {
    const held = this.held;
    return held === null ? this.socket.writableLength : this.socket.writableLength + held.length;
  }

  /** Stops reading from the socket (read backpressure): the kernel window fills, the peer slows. */
  pause(): void {
    this.socket.pause();
  }

  /** Resumes reading after `pause`. */
  resume(): void {
    if (this.reading) this.socket.resume();
  }

  /** Flushes what is buffered, then sends FIN. `data` is written first when given. */
  end(data?: Buffer): void {
    if (this.closed) return;
    this.uncorkNow();
    if (data !== undefined) this.socket.end(data);
    else this.socket.end();
  }

  /** Closes at once, dropping buffered bytes. `error` is reported to `end` (mapped). */
  destroy(error?: Error): void {
    this.socket.destroy(error);
  }

  /**
   * Calls `onIdle` once after `ms` without reading or writing (uses the socket's own timer,
   * re-armed by activity; it does not close the connection). `0` disables.
   */
  setIdleTimeout(ms: number, onIdle: () => void): void {
    if (ms <= 0) {
      this.onIdle = null;
      this.socket.setTimeout(0);
      return;
    }
    if (this.onIdle === null) this.socket.on('timeout', onSocketTimeout);
    this.onIdle = onIdle;
    this.socket.setTimeout(ms);
  }

  get remoteAddress(): string {
    return this.socket.remoteAddress ?? '';
  }
  get remotePort(): number {
    return this.socket.remotePort ?? 0;
  }
  get localPort(): number {
    return this.socket.localPort ?? 0;
  }
  /** True for TLS connections. */
  get secure(): boolean {
    return (this.socket as Partial<TLSSocket>).encrypted === true;
  }
  /** The ALPN protocol both ends agreed on, when TLS and ALPN were used. */
  get alpnProtocol(): string | undefined {
    const protocol = (this.socket as Partial<TLSSocket>).alpnProtocol;
    return typeof protocol === 'string' ? protocol : undefined;
  }
  /** The peer's certificate (TLS only; empty object when the peer sent none). */
  get peerCertificate(): object | undefined {
    const tlsSocket = this.socket as Partial<TLSSocket>;
    return tlsSocket.encrypted === true ? tlsSocket.getPeerCertificate!() : undefined;
  }
  /** False once the connection was destroyed, detached or has closed. */
  get open(): boolean {
    return !this.closed && !this.socket.destroyed;
  }

  /**
   * @internal Hands the socket to a new owner (TLS inside a tunnel): pending writes are flushed,
   * every listener is removed, and this Connection reports closed without an `end` event.
   */
  detach(): Socket {
    const socket = this.socket;
    this.uncorkNow(); // flush this tick's writes now; the scheduler's later call is a no-op
    socket.removeListener('data', onSocketData);
    socket.removeListener('drain', onSocketDrain);
    socket.removeListener('error', onSocketError);
    socket.removeListener('close', onSocketClose);
    socket.removeListener('timeout', onSocketTimeout);
    socket.removeListener('end', onSocketEnd);
    socket.setTimeout(0);
    socket[kConnection] = undefined;
    this.closed = true;
    this.endDelivered = true;
    this.onIdle = null;
    this.onClosed?.(this);
    return socket;
  }

  /** @internal */
  socketDrained(): void {
    if (!this.aboveHighWater) return;
    this.aboveHighWater = false;
    this.handler.drain?.();
  }

  /** @internal 'drain' for a buffer the socket flushed without needing one of its own. */
  drainIfFlushed(): void {
    if (this.aboveHighWater && !this.closed && this.bufferedAmount < this.highWaterMark) this.socketDrained();
  }

  /** @internal */
  socketFailed(error: Error): void {
    if (this.failure === undefined) {
      this.failure = toTransportError(error, { target: this.describePeer(), role: this.role });
    }
  }

  /** @internal */
  socketClosed(): void {
    this.closed = true;
    this.onIdle = null;
    this.onClosed?.(this);
    if (this.reading) deliverEnd(this);
  }

  /** @internal */
  socketIdle(): void {
    this.onIdle?.();
  }

  /** @internal */
  deliverEndOnce(): void {
    if (this.endDelivered) return;
    this.endDelivered = true;
    this.handler.end?.(this.failure);
  }

  private describePeer(): string {
    const address = this.socket.remoteAddress;
    if (address === undefined) return 'peer';
    return address.includes(':')
      ? `[${address}]:${this.socket.remotePort}`
      : `${address}:${this.socket.remotePort}`;
  }
}

function drainIfFlushed(conn: Connection): void {
  conn.drainIfFlushed();
}

function deliverEnd(conn: Connection): void {
  conn.deliverEndOnce();
}

/**
 * Wraps a socket that is already connected, e.g. the one node:http hands to its 'upgrade'
 * listener. Bytes already read by node:http (the `head` argument) are not replayed: feed them
 * to the protocol before the first `data` call.
 */
export function wrapSocket(socket: Socket, options?: ConnectionOptions): Connection {
  return new Connection(socket, options);
}
