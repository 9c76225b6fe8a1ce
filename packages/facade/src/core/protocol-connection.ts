import {
  type CloseInfo,
  err,
  type MessageData,
  ok,
  type ParleyError,
  type PreparedMessage,
  type ProtocolOptions,
  type ProtocolSink,
  type Result,
  type SendErrorCode,
  WebSocketProtocol,
} from '@parley/codec';
import type { Connection, ConnectionHandler, TransportError } from '@parley/transport';
import { describeClose } from './close-diagnostics.js';
import { HeartbeatState } from './heartbeat-state.js';
import type { HeartbeatMember, HeartbeatWheel } from './heartbeat-wheel.js';
import { byteLengthOf, droppedResult, sendResult } from './send-result.js';
import type { CloseDetails, ConnectionOwner, SendError, SendResult } from './types.js';

/** What the core does when a send finds the outgoing buffer over `maxBuffered`. */
export interface BackpressureOptions {
  /** Bytes buffered for the peer above which `policy` applies; 0 = no limit. */
  maxBuffered: number;
  /** `wait`: queue anyway (outcome `queued`); `drop`: skip the message (outcome `dropped`); `close`: close with `closeCode`. */
  policy: 'wait' | 'drop' | 'close';
  closeCode: number;
  /** Stop reading from the peer while our outgoing buffer is over the transport's high-water mark. */
  pauseReading: boolean;
}

export interface ProtocolConnectionOptions {
  protocol: Partial<ProtocolOptions> & { role: 'client' | 'server' };
  backpressure: BackpressureOptions;
  /** Shared heartbeat wheel, or null for no heartbeat. */
  heartbeat: HeartbeatWheel | null;
  /** How long to wait for the peer's close reply / FIN before destroying the socket. */
  closeTimeout: number;
}

/** Reasons reading is paused; reading resumes only when none is left. */
export const PauseReason = {
  Backpressure: 1,
  QueueFull: 2,
  Application: 4,
  /** Too many received messages wait on zlib: stop reading until inflation catches up. */
  InflateBacklog: 8,
} as const;

/**
 * Received messages allowed to wait on zlib before reading pauses, and the level at which it
 * resumes. Each waiting message holds its compressed bytes, and zlib is slower than a socket
 * can deliver: without a bound, a peer streaming compressed frames grows memory without end.
 */
const INFLATE_BACKLOG_PAUSE = 32;
const INFLATE_BACKLOG_RESUME = 8;

const READY_STATE = { open: 1, closing: 2, closed: 3 } as const;

/** Shared send options, so a plain send allocates no options object. */
const AS_BINARY = Object.freeze({ binary: true });
const AS_TEXT = Object.freeze({ binary: false });

const DEFAULT_BACKPRESSURE: BackpressureOptions = {
  maxBuffered: 0,
  policy: 'wait',
  closeCode: 1013,
  pauseReading: true,
};

/**
 * The session core: binds ONE sans-I/O `WebSocketProtocol` to ONE transport `Connection`,
 * role-agnostic (server sessions and client connections are both built on it).
 *
 * It is the protocol's `ProtocolSink` and the transport's `ConnectionHandler` at once, so no
 * closure is created per connection or per frame. Inbound: transport chunk → `protocol.receive`
 * → `owner.onMessage/onPing/onPong`. Outbound: `send` → protocol frames → `transport.write`
 * (corked per tick by the transport). It applies the backpressure policy, drives the heartbeat
 * (via the shared wheel), and turns every way a connection can end into ONE `owner.onClose`
 * call with a diagnostic saying why (`heartbeat timeout`, `protocol error: ...`,
 * `connection reset by peer`, ...).
 *
 * Usage (after the HTTP upgrade is done on `transport`):
 * ```ts
 * const core = new ProtocolConnection(transport, owner, { protocol: { role: 'client', ... },
 *   backpressure, heartbeat: sharedHeartbeatWheel(30_000), closeTimeout: 5_000 });
 * core.start(bytesAfterTheHead); // installs itself as transport handler, feeds leftover bytes
 * core.send('hi');               // Result<SendResult, SendError>
 * core.close(1000, 'bye');       // owner.onClose(details) fires exactly once, whatever happens
 * ```
 */
export class ProtocolConnection implements ProtocolSink, ConnectionHandler, HeartbeatMember {
  readonly protocol: WebSocketProtocol;
  readonly transport: Connection;
  heartbeatSlot = -1;

  readonly role: 'client' | 'server';
  private readonly owner: ConnectionOwner;
  private readonly backpressure: BackpressureOptions;
  private readonly wheel: HeartbeatWheel | null;
  private readonly closeTimeout: number;
  private readonly liveness: HeartbeatState | null;
  private pausedFor = 0;
  private finished = false;
  private localDiagnostic: string | undefined = undefined;
  private transportError: TransportError | undefined = undefined;
  private closeTimer: ReturnType<typeof setTimeout> | null = null;
  private awaitingDrain = false;

  constructor(transport: Connection, owner: ConnectionOwner, options: ProtocolConnectionOptions) {
    this.transport = transport;
    this.owner = owner;
    this.backpressure = options.backpressure ?? DEFAULT_BACKPRESSURE;
    this.wheel = options.heartbeat;
    this.liveness = options.heartbeat === null ? null : new HeartbeatState();
    this.closeTimeout = options.closeTimeout;
    this.role = options.protocol.role;
    this.protocol = new WebSocketProtocol(this, options.protocol);
  }

  /** Installs the core as the transport's handler and feeds bytes that followed the HTTP head. */
  start(initialData?: Buffer): void {
    this.wheel?.add(this);
    this.transport.setHandler(this);
    if (initialData !== undefined && initialData.length > 0) this.protocol.receive(initialData);
  }

  /** WHATWG-style: 1 open, 2 closing, 3 closed. */
  get readyState(): 1 | 2 | 3 {
    return this.finished ? 3 : READY_STATE[this.protocol.state];
  }

  get bufferedAmount(): number {
    return this.transport.bufferedAmount;
  }

  /** True while reading from the peer is paused (backpressure, a full queue, or the application). */
  get readingPaused(): boolean {
    return this.pausedFor !== 0;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  // ---- outbound -------------------------------------------------------------------------

  send(data: MessageData, binary?: boolean, compress?: boolean): Result<SendResult, SendError> {
    const refused = this.applyBackpressurePolicy(data);
    if (refused !== null) return refused;
    const isBinary = binary ?? typeof data !== 'string';
    const sent = this.protocol.send(
      data,
      compress === undefined ? (isBinary ? AS_BINARY : AS_TEXT) : { binary: isBinary, compress },
    );
    if (!sent.ok) return sent;
    return ok(sendResult(sent.value, this.transport));
  }

  /** Broadcast path: the frame was encoded once by `prepareMessage`. */
  sendPrepared(message: PreparedMessage, size: number): Result<SendResult, SendError> {
    const refused = this.applyBackpressurePolicy(size);
    if (refused !== null) return refused;
    const sent = this.protocol.sendPrepared(message);
    if (!sent.ok) return sent;
    return ok(sendResult(sent.value, this.transport));
  }

  /** Sends a ping (payload ≤ 125 bytes, else an error value). */
  sendPing(payload?: string | Buffer): Result<void, SendError> {
    return this.protocol.ping(payload);
  }

  /** Sends an unsolicited pong (a heartbeat that expects no answer). */
  sendPong(payload?: string | Buffer): Result<void, SendError> {
    return this.protocol.pong(payload);
  }

  /** Starts the close handshake; the socket is destroyed if the peer does not answer in time. */
  close(code?: number, reason?: string): Result<void, SendError> {
    if (this.finished) return err(notOpen());
    const started = this.protocol.close(code, reason);
    if (started.ok && !this.finished) {
      this.armCloseTimer();
      // Whatever paused reading (backpressure, a full queue, the application), the peer's
      // close reply must be read or the handshake can only end by timing out.
      this.resumeAllReading();
    }
    return started;
  }

  /** Destroys the socket now (no close handshake); `onClose` reports 1006 with `diagnostic`. */
  terminate(diagnostic = 'terminated locally'): void {
    if (this.finished) return;
    this.localDiagnostic = diagnostic;
    this.transport.destroy();
    this.protocol.transportClosed();
    this.finishIfProtocolDidNot();
  }

  /** Stops reading from the peer for `reason` (a `PauseReason` bit). */
  pauseReading(reason: number): void {
    // Once closing, keep reading: only the peer's close reply can finish the handshake.
    if (this.protocol.state !== 'open') return;
    if (this.pausedFor === 0) this.transport.pause();
    this.pausedFor |= reason;
  }

  resumeReading(reason: number): void {
    if ((this.pausedFor & reason) === 0) return;
    this.pausedFor &= ~reason;
    if (this.pausedFor === 0 && !this.finished) this.transport.resume();
  }

  private resumeAllReading(): void {
    if (this.pausedFor === 0) return;
    this.pausedFor = 0;
    this.transport.resume();
  }

  // ---- HeartbeatMember ------------------------------------------------------------------

  heartbeat(): void {
    const liveness = this.liveness;
    if (liveness === null || this.finished) return;
    // While WE chose not to read (full event queue, zlib backlog, application pause) a pong
    // could not be seen: that says nothing about the peer, so it counts as alive.
    const ourOwnPause = PauseReason.QueueFull | PauseReason.Application | PauseReason.InflateBacklog;
    if ((this.pausedFor & ourOwnPause) !== 0) {
      liveness.markAlive();
      return;
    }
    const verdict = liveness.visit();
    if (verdict === 'send-ping') this.protocol.ping();
    else if (verdict === 'timed-out') {
      this.terminate(
        this.pausedFor === 0
          ? 'heartbeat timeout'
          : 'heartbeat timeout (reading was paused: the peer stopped reading what we sent)',
      );
    }
  }

  // ---- ConnectionHandler (transport → us) ----------------------------------------------

  data(chunk: Buffer): void {
    this.liveness?.markAlive();
    const protocol = this.protocol;
    protocol.receive(chunk);
    if (protocol.inboundBacklog >= INFLATE_BACKLOG_PAUSE) this.pauseReading(PauseReason.InflateBacklog);
  }

  highWater(bufferedAmount: number): void {
    this.awaitingDrain = true;
    if (this.backpressure.pauseReading) this.pauseReading(PauseReason.Backpressure);
    this.owner.onHighWater?.(bufferedAmount);
    // Safety net: Node emits no 'drain' when a large write completes synchronously, so a
    // drain can go missing below us; without it reading would stay paused forever.
    setImmediate(checkMissedDrain, this);
  }

  drain(): void {
    if (!this.awaitingDrain) return;
    this.awaitingDrain = false;
    // The peer's TCP stack took our backlog: it is alive even if we were not reading it.
    this.liveness?.markAlive();
    this.resumeReading(PauseReason.Backpressure);
    this.owner.onDrain?.();
  }

  end(error?: TransportError): void {
    this.clearCloseTimer();
    if (this.finished) return;
    this.transportError = error;
    this.protocol.transportClosed(error);
    this.finishIfProtocolDidNot();
  }

  // ---- ProtocolSink (protocol → us) -----------------------------------------------------

  write(data: Buffer): void {
    this.transport.write(data);
  }

  message(data: string | Buffer, binary: boolean): void {
    this.owner.onMessage(data, binary);
    if (
      (this.pausedFor & PauseReason.InflateBacklog) !== 0 &&
      this.protocol.inboundBacklog <= INFLATE_BACKLOG_RESUME
    ) {
      this.resumeReading(PauseReason.InflateBacklog);
    }
  }

  /** A ping arrived (the protocol has already queued the pong when autoPong is on). */
  ping(payload: Buffer): void {
    this.owner.onPing(payload);
  }

  /** A pong arrived. */
  pong(payload: Buffer): void {
    this.owner.onPong(payload);
  }

  closing(code: number, reason: string): void {
    this.resumeAllReading();
    this.owner.onClosing?.(code, reason);
  }

  closed(info: CloseInfo): void {
    if (this.finished) return;
    this.finished = true;
    this.wheel?.remove(this);
    const details = describeClose(info, this.localDiagnostic, this.transportError);
    if (info.initiatedBy !== 'transport' && this.transport.open) {
      // The server closes TCP first (RFC 6455 §7.1.1); a client waits for it, within the timeout.
      if (this.role === 'server' || info.error !== undefined) this.transport.end();
      this.armCloseTimer();
    }
    this.owner.onClose(details);
  }

  // ---- internals --------------------------------------------------------------------------
  private applyBackpressurePolicy(data: MessageData | number): Result<SendResult, SendError> | null {
    const limit = this.backpressure.maxBuffered;
    if (limit === 0) return null;
    const buffered = this.transport.bufferedAmount;
    if (buffered <= limit || this.backpressure.policy === 'wait') return null;
    if (this.backpressure.policy === 'close' && !this.finished && this.protocol.state === 'open') {
      this.localDiagnostic = `slow consumer: ${buffered} bytes buffered (limit ${limit})`;
      this.close(this.backpressure.closeCode, 'slow consumer');
    }
    return ok(droppedResult(typeof data === 'number' ? data : byteLengthOf(data), buffered));
  }

  private finishIfProtocolDidNot(): void {
    if (this.finished) return;
    this.closed({ code: 1006, reason: '', wasClean: false, initiatedBy: 'transport' });
  }

  private armCloseTimer(): void {
    if (this.closeTimer !== null) return;
    // Not unref'd: a close in progress keeps the process alive until it settles or times out
    // (a paused socket alone would not, and the process would exit mid-handshake).
    this.closeTimer = setTimeout(destroyAfterCloseTimeout, this.closeTimeout, this);
  }

  private clearCloseTimer(): void {
    if (this.closeTimer === null) return;
    clearTimeout(this.closeTimer);
    this.closeTimer = null;
  }

  /** @internal one macrotask after crossing the high-water mark: drain if the buffer is gone. */
  checkMissedDrain(): void {
    if (
      this.awaitingDrain &&
      !this.finished &&
      this.transport.bufferedAmount < this.transport.highWaterMark
    ) {
      this.drain();
    }
  }

  /** @internal the close timer fired: the peer did not finish the close in time. */
  closeTimedOut(): void {
    this.closeTimer = null;
    if (!this.finished) {
      const before = this.localDiagnostic;
      this.localDiagnostic =
        before === undefined ? 'close handshake timed out' : `${before}; close handshake timed out`;
    }
    this.transport.destroy();
    if (!this.finished) {
      this.protocol.transportClosed();
      this.finishIfProtocolDidNot();
    }
  }
}

function checkMissedDrain(core: ProtocolConnection): void {
  core.checkMissedDrain();
}

function destroyAfterCloseTimeout(core: ProtocolConnection): void {
  core.closeTimedOut();
}

function notOpen(): ParleyError<SendErrorCode> {
  return { code: 'NOT_OPEN', message: 'the connection is closed' };
}

export type { CloseDetails, ConnectionOwner, SendError, SendResult };
