// One side of a WebSocket connection driven by hand: the suite's end of a raw socket after a
// hand-made handshake. Sends crafted frames, decodes what the testee sends, and waits for
// events with a per-wait timeout (a timeout fails the case, never the run).
import type { Socket } from 'node:net';
import { type DeflateParams, MessageDeflater, MessageInflater } from './deflate.js';
import { craftFrame, type DecodedFrame, FrameDecoder, type FrameSpec, OP } from './wire.js';

export type PeerEvent =
  | { kind: 'frame'; frame: DecodedFrame }
  | { kind: 'end'; reset: boolean }
  | { kind: 'timeout'; afterMs: number };

/** How long one wait may take before the case is failed. Generous: the machine is shared. */
export const DEFAULT_WAIT_MS = 8_000;

export interface PeerOptions {
  /** Wait for a 1007 before FIN on invalid UTF-8 (false: the target is known to check at FIN). */
  strictFailFast: boolean;
}

export class Peer {
  private readonly decoder = new FrameDecoder();
  private readonly queue: PeerEvent[] = [];
  private waiter: ((e: PeerEvent) => void) | null = null;
  private ended = false;
  private readonly deflater: MessageDeflater | null;
  private inflater: MessageInflater | null;
  /** Control frames the testee interleaved between the fragments of a data message. */
  readonly interleaved: DecodedFrame[] = [];
  /** Every frame the testee sent, in order (for mask checks). */
  readonly received: DecodedFrame[] = [];
  /** Frames whose masking broke RFC 6455 §5.1 for the testee's role. */
  readonly maskingErrors: string[] = [];
  closeSent = false;
  /** How strictly the suite judges this testee (set by the target description). */
  options: PeerOptions = { strictFailFast: true };

  constructor(
    readonly socket: Socket,
    /** The suite's role on this connection; the testee has the other one. */
    readonly role: 'client' | 'server',
    readonly deflate: DeflateParams | null,
    leftover: Buffer = Buffer.alloc(0),
  ) {
    const ours = role === 'client' ? 'client' : 'server';
    this.deflater = deflate
      ? new MessageDeflater(
          ours === 'client' ? deflate.clientMaxWindowBits : deflate.serverMaxWindowBits,
          ours === 'client' ? deflate.clientNoContextTakeover : deflate.serverNoContextTakeover,
        )
      : null;
    this.inflater = deflate
      ? new MessageInflater(ours === 'client' ? deflate.serverMaxWindowBits : deflate.clientMaxWindowBits)
      : null;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd(false));
    socket.on('error', () => this.onEnd(true));
    socket.on('close', () => this.onEnd(false));
    if (leftover.length > 0) this.onData(leftover);
  }

  /** The testee's context-takeover / window settings for the messages it sends. */
  get testeeNoContextTakeover(): boolean {
    if (!this.deflate) return false;
    return this.role === 'client'
      ? this.deflate.serverNoContextTakeover
      : this.deflate.clientNoContextTakeover;
  }

  private onData(chunk: Buffer): void {
    for (const frame of this.decoder.push(chunk)) {
      this.received.push(frame);
      const mustBeMasked = this.role === 'server';
      if (frame.masked !== mustBeMasked) {
        this.maskingErrors.push(
          `${this.role === 'server' ? 'client' : 'server'} sent a${frame.masked ? ' masked' : 'n unmasked'} frame`,
        );
      }
      this.push({ kind: 'frame', frame });
    }
  }

  private onEnd(reset: boolean): void {
    if (this.ended) return;
    this.ended = true;
    this.push({ kind: 'end', reset });
  }

  private push(e: PeerEvent): void {
    const w = this.waiter;
    if (w) {
      this.waiter = null;
      w(e);
    } else this.queue.push(e);
  }

  get isEnded(): boolean {
    return this.ended && this.queue.length === 0;
  }

  /** The next frame or end of stream, or a timeout event after `ms`. */
  next(ms = DEFAULT_WAIT_MS): Promise<PeerEvent> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve({ kind: 'timeout', afterMs: ms });
      }, ms);
      this.waiter = (e) => {
        clearTimeout(timer);
        resolve(e);
      };
    });
  }

  /** Puts an event back at the head of the queue (a look-ahead that was not consumed). */
  unshift(e: PeerEvent): void {
    this.queue.unshift(e);
  }

  /** Encodes a frame, masked when the suite is the client unless the spec says otherwise. */
  encode(spec: FrameSpec): Buffer {
    return craftFrame(spec, this.role === 'client');
  }

  write(bytes: Buffer): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(bytes);
  }

  /**
   * Writes bytes in pieces of `chunkSize`, yielding to the event loop between pieces so they
   * leave as separate segments as far as loopback TCP allows.
   */
  async writeChunked(bytes: Buffer, chunkSize: number): Promise<void> {
    if (chunkSize >= bytes.length) {
      this.write(bytes);
      return;
    }
    for (let i = 0; i < bytes.length; i += chunkSize) {
      this.write(bytes.subarray(i, i + chunkSize));
      if (bytes.length <= 4096) await new Promise<void>((r) => setImmediate(r));
    }
  }

  send(spec: FrameSpec): void {
    if (spec.opcode === OP.close) this.closeSent = true;
    this.write(this.encode(spec));
  }

  sendAll(specs: FrameSpec[]): void {
    const bytes = Buffer.concat(specs.map((s) => this.encode(s)));
    if (specs.some((s) => s.opcode === OP.close)) this.closeSent = true;
    this.write(bytes);
  }

  /** Compresses a whole message with the suite's side of the negotiated parameters. */
  async compress(data: Buffer): Promise<Buffer> {
    if (!this.deflater) throw new Error('suite bug: compress() without negotiated permessage-deflate');
    return this.deflater.compress(data);
  }

  /** Inflates a message from the testee; honours no_context_takeover by using a fresh window. */
  async decompress(data: Buffer): Promise<Buffer> {
    if (!this.inflater) throw new Error('suite bug: decompress() without negotiated permessage-deflate');
    if (this.testeeNoContextTakeover) this.inflater.reset();
    return this.inflater.decompress(data);
  }

  end(): void {
    if (!this.socket.destroyed) this.socket.end();
  }

  destroy(): void {
    this.inflater?.reset();
    this.inflater = null;
    this.socket.destroy();
  }
}
