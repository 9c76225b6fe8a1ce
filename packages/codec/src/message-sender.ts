import { isUtf8 } from 'node:buffer';
import { MAX_CONTROL_PAYLOAD, Opcode } from './constants.js';
import type { DeflateTransform } from './deflate-transform.js';
import { encodeFrame, encodeStringFrame } from './frame-encoder.js';
import { encodeMessageFrames } from './frame-writer.js';
import { MessageStream, type MessageStreamOptions, type StreamHost } from './message-stream.js';
import { type FrameOutput, OutboundEntry, OutboundQueue } from './outbound-queue.js';
import { MERGE_LIMIT, type PreparedMessage, toBuffer } from './prepared-message.js';
import { err, ok, type ParleyError, parleyError, type Result } from './result.js';
import type { MessageData, ProtocolOptions, SendErrorCode, SendInfo } from './types.js';

export type SendResult = Result<SendInfo, ParleyError<SendErrorCode>>;

/** What the sender needs from the connection that owns it (WebSocketProtocol). */
export interface SenderHost {
  /** The connection is open (data may be sent). */
  sendable(): boolean;
  /** The permessage-deflate transform, created on first use. */
  deflate(): DeflateTransform;
  /** zlib failed on our side: fail the connection (1011). */
  compressionFailed(message: string, cause: unknown): void;
  /** A stream asked to cancel: close the connection cleanly. */
  cancel(): void;
  /** Runs zlib-callback work so that an exception fails the connection instead of escaping. */
  guard(work: () => void): void;
}

interface CompressJob {
  entry: OutboundEntry;
  binary: boolean;
}

const EMPTY = Buffer.alloc(0);
const NO_JOBS: CompressJob[] = [];

/**
 * The outgoing half of a connection: frames messages (text fast path, fragmentation,
 * masking, compression) and keeps them in `send` order while some wait for zlib or a stream.
 * Control frames (ping, pong) are written at once; the close frame queues behind data.
 */
export class MessageSender implements StreamHost {
  private readonly output: FrameOutput;
  private readonly options: Readonly<ProtocolOptions>;
  private readonly masked: boolean;
  private readonly host: SenderHost;
  private readonly queue: OutboundQueue;
  /** NO_JOBS (shared, never written) until the first compression. */
  private compressing: CompressJob[] = NO_JOBS;
  /**
   * Called back by zlib in call order; one function for the connection's lifetime, created on
   * the first compression (connections that never compress do not carry it).
   */
  private onCompressed: ((error: ParleyError | null, result: Buffer | null) => void) | null = null;
  /** A manual fragmented message (send with fin: false) is open. */
  private fragmentOpen = false;
  private openStream: OutboundEntry | null = null;
  private stopped = false;

  constructor(output: FrameOutput, options: Readonly<ProtocolOptions>, host: SenderHost) {
    this.output = output;
    this.options = options;
    this.masked = options.role === 'client';
    this.host = host;
    this.queue = new OutboundQueue(output);
  }

  /** Messages queued behind zlib or a stream. */
  get queued(): number {
    return this.queue.length;
  }

  send(data: MessageData, options: { binary?: boolean; compress?: boolean; fin?: boolean }): SendResult {
    const binary = options.binary ?? typeof data !== 'string';
    const fin = options.fin ?? true;
    const opcode = this.fragmentOpen ? Opcode.Continuation : binary ? Opcode.Binary : Opcode.Text;
    const whole = fin && !this.fragmentOpen;
    const mayCompress = whole && this.options.deflate !== null && options.compress !== false;
    const fragmentSize = this.options.fragmentSize;
    if (typeof data === 'string') {
      const byteLength = Buffer.byteLength(data);
      const compress = mayCompress && byteLength >= this.options.deflateThreshold;
      if (!compress && this.fitsOneBuffer(byteLength)) {
        // Fast path: the string is encoded straight into the frame buffer.
        this.fragmentOpen = !fin;
        return this.sendOne(encodeStringFrame(opcode, data, byteLength, fin, this.masked), byteLength);
      }
    }
    const payload = toBuffer(data);
    if (!binary && typeof data !== 'string' && whole && !isUtf8(payload)) {
      return err(parleyError('INVALID_UTF8', 'text message is not valid UTF-8'));
    }
    this.fragmentOpen = !fin;
    if (mayCompress && payload.length >= this.options.deflateThreshold)
      return this.sendCompressed(payload, binary);
    if (this.fitsOneBuffer(payload.length)) {
      return this.sendOne(encodeFrame(opcode, payload, { fin, mask: this.masked }), payload.length);
    }
    const frames: Buffer[] = [];
    const wireSize = encodeMessageFrames(frames, opcode, payload, fin, false, this.masked, fragmentSize);
    const pending = this.writeFrames(frames);
    return ok({ payloadSize: payload.length, wireSize: pending ? 0 : wireSize, compressed: false, pending });
  }

  sendPrepared(message: PreparedMessage): SendResult {
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

  sendStream(options: MessageStreamOptions): MessageStream {
    const entry = new OutboundEntry(true);
    if (this.fragmentOpen) {
      // Its frames would land inside the open fin: false message.
      const refusal = parleyError('MESSAGE_IN_PROGRESS', 'a fragmented message (fin: false) is still open');
      return new MessageStream(this, entry, options, this.options.fragmentSize, refusal);
    }
    const stream = new MessageStream(this, entry, options, this.options.fragmentSize);
    if (this.host.sendable()) {
      this.openStream = entry;
      this.queue.push(entry);
    }
    return stream;
  }

  /** Writes a ping or pong now (legal between fragments). */
  sendControl(
    opcode: number,
    payload: string | Buffer | undefined,
  ): Result<void, ParleyError<SendErrorCode>> {
    const data =
      payload === undefined ? EMPTY : typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    if (data.length > MAX_CONTROL_PAYLOAD) {
      return err(
        parleyError('CONTROL_PAYLOAD_TOO_LARGE', `control payload is ${data.length} bytes, at most 125`),
      );
    }
    this.output.write(encodeFrame(opcode, data, { mask: this.masked }));
    return ok();
  }

  /** Writes a control frame now, whatever is queued (auto-pong, and the close frame of a failure). */
  writeControlNow(opcode: number, payload: Buffer): void {
    this.output.write(encodeFrame(opcode, payload, { mask: this.masked }));
  }

  /** Queues our close frame behind pending data; an unfinished stream is cut off first. */
  queueClose(payload: Buffer, written: () => void): void {
    const frame = encodeFrame(Opcode.Close, payload, { mask: this.masked });
    if (this.openStream !== null) {
      this.queue.cutAt(this.openStream);
      this.openStream = null;
    }
    if (this.queue.idle) {
      this.output.write(frame);
      written();
      return;
    }
    const entry = new OutboundEntry(false);
    entry.add(frame);
    entry.onWritten = written;
    this.queue.push(entry);
  }

  /** Drops everything queued; later zlib results are ignored. */
  stop(): void {
    this.stopped = true;
    this.queue.clear();
    this.openStream = null;
  }

  // ---- StreamHost (used by MessageStream) -----------------------------------------------

  get streamWritable(): boolean {
    return this.host.sendable();
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
    if (!this.host.sendable()) return;
    this.host.cancel();
    if (this.openStream === entry) this.openStream = null;
  }

  // ---- internals ------------------------------------------------------------------------

  /** One frame in one buffer: unfragmented, and masked (copied anyway) or small enough to merge. */
  private fitsOneBuffer(length: number): boolean {
    const fragmentSize = this.options.fragmentSize;
    return (fragmentSize === 0 || length <= fragmentSize) && (this.masked || length <= MERGE_LIMIT);
  }

  private sendOne(frame: Buffer, payloadSize: number): SendResult {
    let pending = false;
    if (this.queue.idle) {
      this.output.write(frame);
    } else {
      const entry = new OutboundEntry(false);
      entry.add(frame);
      this.queue.push(entry);
      pending = true;
    }
    return ok({ payloadSize, wireSize: pending ? 0 : frame.length, compressed: false, pending });
  }

  /** Writes now when nothing is queued, else queues in order. Returns true when queued. */
  private writeFrames(frames: readonly Buffer[]): boolean {
    if (this.queue.idle) {
      for (const frame of frames) this.output.write(frame);
      return false;
    }
    const entry = new OutboundEntry(false);
    for (const frame of frames) entry.add(frame);
    this.queue.push(entry);
    return true;
  }

  private sendCompressed(payload: Buffer, binary: boolean): SendResult {
    const entry = new OutboundEntry(true);
    this.queue.push(entry);
    if (this.compressing === NO_JOBS) this.compressing = [];
    this.compressing.push({ entry, binary });
    try {
      this.onCompressed ??= (error, result) => this.host.guard(() => this.compressed(error, result));
      this.host.deflate().compress(payload, this.onCompressed);
    } catch (cause) {
      // zlib refused the negotiated parameters: a bug upstream, reported as a failed connection.
      this.host.compressionFailed('could not start compression', cause);
      return err(parleyError('NOT_OPEN', 'the connection failed: could not start compression'));
    }
    return ok({ payloadSize: payload.length, wireSize: 0, compressed: true, pending: true });
  }

  private compressed(error: ParleyError | null, result: Buffer | null): void {
    const job = this.compressing.shift();
    if (job === undefined || this.stopped) return;
    if (error !== null) {
      if (error.code !== 'CLOSED') this.host.compressionFailed('compression failed', error);
      return;
    }
    const frames: Buffer[] = [];
    const opcode = job.binary ? Opcode.Binary : Opcode.Text;
    encodeMessageFrames(frames, opcode, result ?? EMPTY, true, true, this.masked, this.options.fragmentSize);
    for (const frame of frames) job.entry.add(frame);
    job.entry.open = false;
    this.queue.flush();
  }
}
