import { isUtf8 } from 'node:buffer';
import { encodeClosePayload, parseClosePayload } from './close-payload.js';
import { CloseCode, MAX_CLOSE_REASON, Opcode } from './constants.js';
import { createPerMessageDeflate } from './deflate-factory.js';
import type { DeflateFactory, DeflateTransform } from './deflate-transform.js';
import { FrameParser } from './frame-parser.js';
import { MessageAssembler, type MessageHandler } from './message-assembler.js';
import { MessageSender, type SendResult, type SenderHost } from './message-sender.js';
import type { MessageStream, MessageStreamOptions } from './message-stream.js';
import { resolveProtocolOptions } from './options.js';
import type { PreparedMessage } from './prepared-message.js';
import { err, ok, type ParleyError, parleyError, type Result } from './result.js';
import type {
  CloseInfo,
  MessageData,
  ProtocolErrorCode,
  ProtocolOptions,
  ProtocolSink,
  SendErrorCode,
} from './types.js';

export type ProtocolState = 'open' | 'closing' | 'closed';

/** A received message waiting behind a message that is still being inflated. */
interface InboundItem {
  data: Buffer | null;
  binary: boolean;
  /** Payload of a close frame that arrived behind pending inflations; null for messages. */
  close: Buffer | null;
}

const EMPTY = Buffer.alloc(0);
/** Shared empty lists a connection uses until it needs its own (see the fields below). */
const NO_INBOUND: InboundItem[] = [];
const NO_INFLATE_CALLS: boolean[] = [];

/**
 * The sans-I/O WebSocket connection (RFC 6455 + RFC 7692): feed it received bytes with
 * `receive`, and it calls the `ProtocolSink` with bytes to write and events (message, ping,
 * pong, closing, closed). One instance per connection, no timers, no sockets.
 *
 * Ordering: messages are delivered in arrival order even when some wait for zlib; outgoing
 * data frames go out in `send` order even when some wait for zlib or a stream; control
 * frames (pings, pongs) go out at once, which RFC 6455 allows between fragments.
 */
export class WebSocketProtocol implements MessageHandler {
  /**
   * The sender's view of its connection: one small object per connection with methods on a
   * shared prototype, instead of five closures (an idle connection saves ~300 bytes). Nested
   * here so it may call the protocol's private methods.
   */
  private static readonly SenderLink = class implements SenderHost {
    private readonly protocol: WebSocketProtocol;
    constructor(protocol: WebSocketProtocol) {
      this.protocol = protocol;
    }
    sendable(): boolean {
      return this.protocol.stateValue === 'open';
    }
    deflate(): DeflateTransform {
      return this.protocol.getDeflate();
    }
    compressionFailed(message: string, cause: unknown): void {
      this.protocol.fail(CloseCode.InternalError, 'INTERNAL_ERROR', message, cause);
    }
    cancel(): void {
      this.protocol.close(CloseCode.Normal, 'message cancelled');
    }
    guard(work: () => void): void {
      this.protocol.guard(work);
    }
  };

  private stateValue: ProtocolState = 'open';
  private readonly sink: ProtocolSink;
  readonly options: Readonly<ProtocolOptions>;
  private readonly parser: FrameParser;
  private readonly sender: MessageSender;
  private readonly deflateFactory: DeflateFactory;
  private deflate: DeflateTransform | null = null;

  /** NO_INBOUND (shared, never written) until a compressed message arrives. */
  private inbound: InboundItem[] = NO_INBOUND;
  /** FIN flag of each decompress call not yet called back (callbacks come in call order). */
  private inflateCalls: boolean[] = NO_INFLATE_CALLS;
  private inflatingMessage = false;
  /** zlib's callback for this connection, created on the first compressed message. */
  private onInflated: ((error: ParleyError | null, result: Buffer | null) => void) | null = null;

  private closeQueued = false;
  private closeWritten = false;
  private peerClose: { code: number; reason: string } | null = null;
  private draining = false;
  /** `closed` was reported (or destroy() was called): no more sink calls. */
  private finished = false;

  constructor(
    sink: ProtocolSink,
    options: Partial<ProtocolOptions> & { role: 'client' | 'server' },
    deflateFactory: DeflateFactory = createPerMessageDeflate,
  ) {
    this.sink = sink;
    this.options = resolveProtocolOptions(options);
    const assembler = new MessageAssembler(this, this.options);
    this.parser = new FrameParser(assembler, {
      role: this.options.role,
      allowRsv1: this.options.deflate !== null,
    });
    // The sink itself is the sender's output: no forwarding closure per connection.
    this.sender = new MessageSender(sink, this.options, new WebSocketProtocol.SenderLink(this));
    this.deflateFactory = deflateFactory;
  }

  get state(): ProtocolState {
    return this.stateValue;
  }

  /**
   * Received messages not yet delivered because they wait on zlib (or behind one that does).
   * The owner pauses reading while this is high: each entry holds its compressed input.
   */
  get inboundBacklog(): number {
    return this.inbound.length;
  }

  /** Messages waiting on zlib or behind one that is (both directions). */
  get bufferedMessages(): number {
    return this.inbound.length + this.sender.queued;
  }

  // ---- inbound --------------------------------------------------------------------------

  /** Feeds received bytes (any split of the stream). Never throws on bad input. */
  receive(chunk: Buffer): void {
    if (this.parser.stopped) return;
    try {
      this.parser.push(chunk);
    } catch (cause) {
      this.fail(CloseCode.InternalError, 'INTERNAL_ERROR', 'internal error while parsing', cause);
    }
  }

  message(data: Buffer, binary: boolean): void {
    if (this.inbound.length > 0) {
      this.inbound.push({ data, binary, close: null });
      return;
    }
    this.sink.message(binary ? data : data.toString('utf8'), binary);
  }

  compressed(data: Buffer, fin: boolean, binary: boolean): void {
    if (!this.inflatingMessage) {
      this.inflatingMessage = true;
      if (this.inbound === NO_INBOUND) this.inbound = [];
      this.inbound.push({ data: null, binary, close: null });
    }
    if (fin) this.inflatingMessage = false;
    if (this.inflateCalls === NO_INFLATE_CALLS) this.inflateCalls = [];
    this.inflateCalls.push(fin);
    this.onInflated ??= (error, result) => this.guard(() => this.inflated(error, result));
    this.getDeflate().decompress(data, fin, this.onInflated);
  }

  control(opcode: number, payload: Buffer): void {
    if (opcode === Opcode.Ping) {
      if (this.options.autoPong && this.stateValue !== 'closed' && !this.closeQueued) {
        this.sender.writeControlNow(Opcode.Pong, payload);
      }
      this.sink.ping(payload);
    } else if (opcode === Opcode.Pong) {
      this.sink.pong(payload);
    } else {
      // Close: nothing after it is read (RFC 6455 §5.5.1).
      this.parser.stop();
      if (this.inflatingMessage) {
        // A compressed message cut off by the close will never finish: drop it, or the
        // close would wait behind it forever.
        this.inflatingMessage = false;
        this.inbound.pop();
      }
      if (this.inbound.length > 0) this.inbound.push({ data: null, binary: false, close: payload });
      else this.peerClosed(payload);
    }
  }

  protocolError(closeCode: number, code: ProtocolErrorCode, message: string): void {
    this.fail(closeCode, code, message);
  }

  private inflated(error: ParleyError | null, result: Buffer | null): void {
    const fin = this.inflateCalls.shift();
    if (this.stateValue === 'closed') return;
    if (error !== null) {
      if (error.code === 'CLOSED') return;
      if (error.code === 'MESSAGE_TOO_BIG') {
        this.fail(CloseCode.MessageTooBig, 'MESSAGE_TOO_BIG', 'inflated message over maxPayload');
      } else {
        this.fail(CloseCode.InvalidPayload, 'INFLATE_FAILED', 'invalid compressed data', error);
      }
      return;
    }
    if (fin !== true) return;
    const item = this.inbound.find((entry) => entry.data === null && entry.close === null);
    if (item === undefined) return;
    item.data = result ?? EMPTY;
    if (!item.binary && !isUtf8(item.data)) {
      this.fail(CloseCode.InvalidPayload, 'INVALID_UTF8', 'text message is not valid UTF-8');
      return;
    }
    this.drainInbound();
  }

  private drainInbound(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.stateValue !== 'closed') {
        const head = this.inbound[0];
        if (head === undefined || (head.data === null && head.close === null)) break;
        this.inbound.shift();
        if (head.close !== null) this.peerClosed(head.close);
        else this.sink.message(head.binary ? head.data! : head.data!.toString('utf8'), head.binary);
      }
    } finally {
      this.draining = false;
    }
  }

  private peerClosed(payload: Buffer): void {
    const parsed = parseClosePayload(payload);
    if (!parsed.ok) {
      this.fail(parsed.error.closeCode, parsed.error.code, parsed.error.message);
      return;
    }
    const { code, reason } = parsed.value;
    this.peerClose = { code, reason };
    if (this.closeQueued) {
      // We started the handshake; it completes once our close frame is on the wire.
      if (this.closeWritten) this.finish({ code, reason, wasClean: true, initiatedBy: 'local' });
      return;
    }
    this.stateValue = 'closing';
    this.sink.closing?.(code, reason);
    if (this.finished) return;
    const reply = code === CloseCode.NoStatus ? EMPTY : closeCodeOnly(code);
    this.queueClose(reply, () => this.finish({ code, reason, wasClean: true, initiatedBy: 'remote' }));
  }

  // ---- outbound -------------------------------------------------------------------------

  send(data: MessageData, options: { binary?: boolean; compress?: boolean; fin?: boolean } = {}): SendResult {
    if (this.stateValue !== 'open') return err(notOpen());
    return this.sender.send(data, options);
  }

  /** Broadcast path: writes frames encoded once by `prepareMessage` (re-encoded and masked in the client role). */
  sendPrepared(message: PreparedMessage): SendResult {
    if (this.stateValue !== 'open') return err(notOpen());
    return this.sender.sendPrepared(message);
  }

  /** Starts a message written in pieces; see MessageStream. Streams are sent uncompressed. */
  sendStream(options: MessageStreamOptions = {}): MessageStream {
    return this.sender.sendStream(options);
  }

  ping(payload?: string | Buffer): Result<void, ParleyError<SendErrorCode>> {
    if (this.stateValue !== 'open') return err(notOpen());
    return this.sender.sendControl(Opcode.Ping, payload);
  }

  pong(payload?: string | Buffer): Result<void, ParleyError<SendErrorCode>> {
    if (this.stateValue !== 'open') return err(notOpen());
    return this.sender.sendControl(Opcode.Pong, payload);
  }

  /** Starts the close handshake. No code → an empty close payload (the peer sees 1005). */
  close(code?: number, reason?: string): Result<void, ParleyError<SendErrorCode>> {
    if (this.stateValue !== 'open') return err(notOpen());
    const payload = encodeClosePayload(code, reason);
    if (!payload.ok) return payload;
    this.stateValue = 'closing';
    this.queueClose(payload.value, () => {
      const peer = this.peerClose;
      if (peer !== null)
        this.finish({ code: peer.code, reason: peer.reason, wasClean: true, initiatedBy: 'local' });
    });
    return ok();
  }

  /** The transport ended (EOF, reset): finishes with 1006 unless the handshake completed. */
  transportClosed(_cause?: unknown): void {
    if (this.stateValue === 'closed') return;
    const peer = this.peerClose;
    this.finish({
      code: peer?.code ?? CloseCode.Abnormal,
      reason: peer?.reason ?? '',
      wasClean: false,
      initiatedBy: 'transport',
    });
  }

  /** Frees zlib contexts and stops everything without further sink calls. */
  destroy(): void {
    this.finished = true;
    this.stateValue = 'closed';
    this.release();
  }

  /** zlib callbacks run outside receive(): an exception there must not escape into zlib either. */
  private guard(work: () => void): void {
    try {
      work();
    } catch (cause) {
      this.fail(CloseCode.InternalError, 'INTERNAL_ERROR', 'internal error after zlib', cause);
    }
  }

  // ---- internals ------------------------------------------------------------------------

  /** Queues our close frame behind pending data (an unfinished stream is cut off first). */
  private queueClose(payload: Buffer, written: () => void): void {
    this.closeQueued = true;
    this.sender.queueClose(payload, () => {
      this.closeWritten = true;
      written();
    });
  }

  private fail(closeCode: number, code: ProtocolErrorCode, message: string, cause?: unknown): void {
    if (this.stateValue === 'closed') return;
    this.parser.stop();
    this.sender.stop();
    if (!this.closeWritten) {
      this.closeWritten = true;
      this.closeQueued = true;
      this.sender.writeControlNow(Opcode.Close, encodeReason(closeCode, message));
    }
    this.finish({
      code: closeCode,
      reason: message,
      wasClean: false,
      error: parleyError(code, message, cause),
      initiatedBy: 'local',
    });
  }

  private finish(info: CloseInfo): void {
    if (this.finished) return;
    this.finished = true;
    this.stateValue = 'closed';
    this.release();
    this.sink.closed(info);
  }

  private release(): void {
    this.parser.stop();
    this.sender.stop();
    this.inbound.length = 0;
    if (this.deflate !== null) {
      const deflate = this.deflate;
      this.deflate = null;
      deflate.close();
    }
  }

  private getDeflate(): DeflateTransform {
    if (this.deflate === null) {
      this.deflate = this.deflateFactory(this.options.deflate!, this.options.role, {
        maxPayload: this.options.maxPayload,
        memLevel: this.options.deflateMemLevel,
        threshold: this.options.deflateThreshold,
      });
    }
    return this.deflate;
  }
}

function notOpen(): ParleyError<SendErrorCode> {
  return parleyError('NOT_OPEN', 'the connection is not open');
}

function closeCodeOnly(code: number): Buffer {
  const payload = Buffer.allocUnsafe(2);
  payload.writeUInt16BE(code, 0);
  return payload;
}

/** Close payload for a failure: the code and as much of `reason` as fits (whole characters only). */
function encodeReason(code: number, reason: string): Buffer {
  const payload = Buffer.allocUnsafe(2 + Math.min(MAX_CLOSE_REASON, Buffer.byteLength(reason)));
  payload.writeUInt16BE(code, 0);
  const written = payload.write(reason, 2, 'utf8');
  return payload.subarray(0, 2 + written);
}
