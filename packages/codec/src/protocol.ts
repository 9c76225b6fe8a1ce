import { isUtf8 } from 'node:buffer';
import { encodeClosePayload, parseClosePayload } from './close-payload.js';
import { CloseCode, MAX_CLOSE_REASON, MAX_CONTROL_PAYLOAD, Opcode } from './constants.js';
import { createPerMessageDeflate } from './deflate-factory.js';
import type { DeflateFactory, DeflateTransform } from './deflate-transform.js';
import { encodeFrame, encodeStringFrame } from './frame-encoder.js';
import { FrameParser } from './frame-parser.js';
import { encodeMessageFrames } from './frame-writer.js';
import { MessageAssembler, type MessageHandler } from './message-assembler.js';
import { MessageStream, type MessageStreamOptions, type StreamHost } from './message-stream.js';
import { resolveProtocolOptions } from './options.js';
import { OutboundEntry, OutboundQueue } from './outbound-queue.js';
import { MERGE_LIMIT, type PreparedMessage, toBuffer } from './prepared-message.js';
import { err, ok, type ParleyError, parleyError, type Result } from './result.js';
import type {
  CloseInfo,
  MessageData,
  ProtocolErrorCode,
  ProtocolOptions,
  ProtocolSink,
  SendErrorCode,
  SendInfo,
} from './types.js';

export type ProtocolState = 'open' | 'closing' | 'closed';
type SendResult = Result<SendInfo, ParleyError<SendErrorCode>>;

/** A received message waiting behind a message that is still being inflated. */
interface InboundItem {
  data: Buffer | null;
  binary: boolean;
  /** Payload of a close frame that arrived behind pending inflations; null for messages. */
  close: Buffer | null;
}

interface CompressJob {
  entry: OutboundEntry;
  binary: boolean;
}

const EMPTY = Buffer.alloc(0);

/**
 * The sans-I/O WebSocket connection (RFC 6455 + RFC 7692): feed it received bytes with
 * `receive`, and it calls the `ProtocolSink` with bytes to write and events (message, ping,
 * pong, closing, closed). One instance per connection, no timers, no sockets.
 *
 * Ordering: messages are delivered in arrival order even when some wait for zlib; outgoing
 * data frames go out in `send` order even when some wait for zlib or a stream; control
 * frames (pings, pongs) go out at once, which RFC 6455 allows between fragments.
 */
export class WebSocketProtocol implements MessageHandler, StreamHost {
  private stateValue: ProtocolState = 'open';
  private readonly sink: ProtocolSink;
  readonly options: Readonly<ProtocolOptions>;
  private readonly masked: boolean;
  private readonly parser: FrameParser;
  private readonly queue: OutboundQueue;
  private readonly deflateFactory: DeflateFactory;
  private deflate: DeflateTransform | null = null;

  private readonly inbound: InboundItem[] = [];
  /** FIN flag of each decompress call not yet called back (callbacks come in call order). */
  private readonly inflateCalls: boolean[] = [];
  private inflatingMessage = false;
  private readonly compressing: CompressJob[] = [];
  private readonly onInflated: (error: ParleyError | null, result: Buffer | null) => void;
  private readonly onCompressed: (error: ParleyError | null, result: Buffer | null) => void;

  /** A manual fragmented message (send with fin: false) is open. */
  private fragmentOpen = false;
  private openStream: OutboundEntry | null = null;
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
    this.masked = this.options.role === 'client';
    const assembler = new MessageAssembler(this, this.options);
    this.parser = new FrameParser(assembler, {
      role: this.options.role,
      allowRsv1: this.options.deflate !== null,
    });
    this.queue = new OutboundQueue((data) => this.sink.write(data));
    this.deflateFactory = deflateFactory;
    this.onInflated = (error, result) => this.guard(() => this.inflated(error, result));
    this.onCompressed = (error, result) => this.guard(() => this.compressedDone(error, result));
  }

  get state(): ProtocolState {
    return this.stateValue;
  }

  /** Messages waiting on zlib or behind one that is (both directions). */
  get bufferedMessages(): number {
    return this.inbound.length + this.queue.length;
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

  /** zlib callbacks run outside receive(): an exception there must not escape into zlib either. */
  private guard(work: () => void): void {
    try {
      work();
    } catch (cause) {
      this.fail(CloseCode.InternalError, 'INTERNAL_ERROR', 'internal error after zlib', cause);
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
      this.inbound.push({ data: null, binary, close: null });
    }
    if (fin) this.inflatingMessage = false;
    this.inflateCalls.push(fin);
    this.getDeflate().decompress(data, fin, this.onInflated);
  }

  control(opcode: number, payload: Buffer): void {
    if (opcode === Opcode.Ping) {
      if (this.options.autoPong && this.stateValue !== 'closed' && !this.closeQueued) {
        this.sink.write(encodeFrame(Opcode.Pong, payload, { mask: this.masked }));
      }
      this.sink.ping(payload);
    } else if (opcode === Opcode.Pong) {
      this.sink.pong(payload);
    } else {
      // Close: nothing after it is read (RFC 6455 §5.5.1).
      this.parser.stop();
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
    const binary = options.binary ?? typeof data !== 'string';
    const fin = options.fin ?? true;
    const opcode = this.fragmentOpen ? Opcode.Continuation : binary ? Opcode.Binary : Opcode.Text;
    const whole = fin && !this.fragmentOpen;
    const mayCompress = whole && this.options.deflate !== null && options.compress !== false;
    if (typeof data === 'string') {
      const byteLength = Buffer.byteLength(data);
      const fragmentSize = this.options.fragmentSize;
      const compress = mayCompress && byteLength >= this.options.deflateThreshold;
      if (
        !compress &&
        (fragmentSize === 0 || byteLength <= fragmentSize) &&
        (this.masked || byteLength <= MERGE_LIMIT)
      ) {
        // Fast path: the string is encoded straight into the frame buffer.
        this.fragmentOpen = !fin;
        const frame = encodeStringFrame(opcode, data, byteLength, fin, this.masked);
        const pending = this.writeFrame(frame);
        return ok({
          payloadSize: byteLength,
          wireSize: pending ? 0 : frame.length,
          compressed: false,
          pending,
        });
      }
    }
    const payload = toBuffer(data);
    if (!binary && typeof data !== 'string' && whole && !isUtf8(payload)) {
      return err(parleyError('INVALID_UTF8', 'text message is not valid UTF-8'));
    }
    this.fragmentOpen = !fin;
    if (mayCompress && payload.length >= this.options.deflateThreshold)
      return this.sendCompressed(payload, binary);
    const fragmentSize = this.options.fragmentSize;
    if (
      (fragmentSize === 0 || payload.length <= fragmentSize) &&
      (this.masked || payload.length <= MERGE_LIMIT)
    ) {
      // One frame in one buffer: no frame list on the hot path.
      const frame = encodeFrame(opcode, payload, { fin, mask: this.masked });
      const pending = this.writeFrame(frame);
      return ok({
        payloadSize: payload.length,
        wireSize: pending ? 0 : frame.length,
        compressed: false,
        pending,
      });
    }
    const frames: Buffer[] = [];
    const wireSize = encodeMessageFrames(
      frames,
      opcode,
      payload,
      fin,
      false,
      this.masked,
      this.options.fragmentSize,
    );
    const pending = this.writeFrames(frames);
    return ok({ payloadSize: payload.length, wireSize: pending ? 0 : wireSize, compressed: false, pending });
  }

  /** Broadcast path: writes frames encoded once by `prepareMessage` (re-encoded and masked in the client role). */
  sendPrepared(message: PreparedMessage): SendResult {
    if (this.stateValue !== 'open') return err(notOpen());
    if (this.fragmentOpen) {
      return err(parleyError('MESSAGE_IN_PROGRESS', 'a fragmented message (fin: false) is still open'));
    }
    let frames: readonly Buffer[] = message.frames;
    let wireSize = message.wireSize;
    if (this.masked) {
      const masked: Buffer[] = [];
      const opcode = message.binary ? Opcode.Binary : Opcode.Text;
      wireSize = encodeMessageFrames(
        masked,
        opcode,
        message.payload,
        true,
        false,
        true,
        this.options.fragmentSize,
      );
      frames = masked;
    }
    const pending = this.writeFrames(frames);
    return ok({
      payloadSize: message.payloadSize,
      wireSize: pending ? 0 : wireSize,
      compressed: false,
      pending,
    });
  }

  /** Starts a message written in pieces; see MessageStream. Streams are sent uncompressed. */
  sendStream(options: MessageStreamOptions = {}): MessageStream {
    const entry = new OutboundEntry(true);
    if (this.fragmentOpen) {
      // Its frames would land inside the open fin: false message.
      const refusal = parleyError('MESSAGE_IN_PROGRESS', 'a fragmented message (fin: false) is still open');
      return new MessageStream(this, entry, options, this.options.fragmentSize, refusal);
    }
    const stream = new MessageStream(this, entry, options, this.options.fragmentSize);
    if (this.stateValue === 'open') {
      this.openStream = entry;
      this.queue.push(entry);
    }
    return stream;
  }

  ping(payload?: string | Buffer): Result<void, ParleyError<SendErrorCode>> {
    return this.sendControl(Opcode.Ping, payload);
  }

  pong(payload?: string | Buffer): Result<void, ParleyError<SendErrorCode>> {
    return this.sendControl(Opcode.Pong, payload);
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

  // ---- StreamHost (used by MessageStream) -----------------------------------------------

  get streamWritable(): boolean {
    return this.stateValue === 'open';
  }

  streamFrames(entry: OutboundEntry, opcode: number, payload: Buffer, fin: boolean): number {
    const frames: Buffer[] = [];
    const size = encodeMessageFrames(frames, opcode, payload, fin, false, this.masked, 0);
    for (const frame of frames) entry.add(frame);
    if (fin) {
      entry.open = false;
      if (this.openStream === entry) this.openStream = null;
    }
    this.queue.flush();
    return size;
  }

  streamCancelled(entry: OutboundEntry): void {
    if (this.stateValue !== 'open') return;
    this.close(CloseCode.Normal, 'message cancelled');
    if (this.openStream === entry) this.openStream = null;
  }

  // ---- internals ------------------------------------------------------------------------

  private sendCompressed(payload: Buffer, binary: boolean): SendResult {
    const entry = new OutboundEntry(true);
    this.queue.push(entry);
    this.compressing.push({ entry, binary });
    try {
      this.getDeflate().compress(payload, this.onCompressed);
    } catch (cause) {
      // zlib refused the negotiated parameters: a bug upstream, reported as a failed connection.
      this.fail(CloseCode.InternalError, 'INTERNAL_ERROR', 'could not start compression', cause);
      return err(parleyError('NOT_OPEN', 'the connection failed: could not start compression'));
    }
    return ok({ payloadSize: payload.length, wireSize: 0, compressed: true, pending: true });
  }

  private compressedDone(error: ParleyError | null, result: Buffer | null): void {
    const job = this.compressing.shift();
    if (job === undefined || this.stateValue === 'closed') return;
    if (error !== null) {
      if (error.code !== 'CLOSED')
        this.fail(CloseCode.InternalError, 'INTERNAL_ERROR', 'compression failed', error);
      return;
    }
    const frames: Buffer[] = [];
    const opcode = job.binary ? Opcode.Binary : Opcode.Text;
    encodeMessageFrames(frames, opcode, result ?? EMPTY, true, true, this.masked, this.options.fragmentSize);
    for (const frame of frames) job.entry.add(frame);
    job.entry.open = false;
    this.queue.flush();
  }

  /** writeFrames for a single buffer (no array on the hot path). */
  private writeFrame(frame: Buffer): boolean {
    if (this.queue.idle) {
      this.sink.write(frame);
      return false;
    }
    const entry = new OutboundEntry(false);
    entry.add(frame);
    this.queue.push(entry);
    return true;
  }

  /** Writes now when nothing is queued, else queues in order. Returns true when queued. */
  private writeFrames(frames: readonly Buffer[]): boolean {
    if (this.queue.idle) {
      for (const frame of frames) this.sink.write(frame);
      return false;
    }
    const entry = new OutboundEntry(false);
    for (const frame of frames) entry.add(frame);
    this.queue.push(entry);
    return true;
  }

  private sendControl(
    opcode: number,
    payload: string | Buffer | undefined,
  ): Result<void, ParleyError<SendErrorCode>> {
    if (this.stateValue !== 'open') return err(notOpen());
    const data =
      payload === undefined ? EMPTY : typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    if (data.length > MAX_CONTROL_PAYLOAD) {
      return err(
        parleyError('CONTROL_PAYLOAD_TOO_LARGE', `control payload is ${data.length} bytes, at most 125`),
      );
    }
    this.sink.write(encodeFrame(opcode, data, { mask: this.masked }));
    return ok();
  }

  /** Queues our close frame behind pending data; an unfinished stream is cut off first. */
  private queueClose(payload: Buffer, written: () => void): void {
    this.closeQueued = true;
    const frame = encodeFrame(Opcode.Close, payload, { mask: this.masked });
    if (this.openStream !== null) {
      this.queue.cutAt(this.openStream);
      this.openStream = null;
    }
    const done = (): void => {
      this.closeWritten = true;
      written();
    };
    if (this.queue.idle) {
      this.sink.write(frame);
      done();
      return;
    }
    const entry = new OutboundEntry(false);
    entry.add(frame);
    entry.onWritten = done;
    this.queue.push(entry);
  }

  private fail(closeCode: number, code: ProtocolErrorCode, message: string, cause?: unknown): void {
    if (this.stateValue === 'closed') return;
    this.parser.stop();
    this.queue.clear();
    if (!this.closeWritten) {
      this.closeWritten = true;
      this.closeQueued = true;
      this.sink.write(encodeFrame(Opcode.Close, encodeReason(closeCode, message), { mask: this.masked }));
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
    this.queue.clear();
    this.inbound.length = 0;
    this.openStream = null;
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
