import { Opcode } from './constants.js';
import type { OutboundEntry } from './outbound-queue.js';
import { toBuffer } from './prepared-message.js';
import { err, ok, type ParleyError, parleyError, type Result } from './result.js';
import type { MessageData, SendErrorCode } from './types.js';

export interface StreamProgress {
  /** Payload bytes framed so far. */
  sent: number;
  /** The size announced in `sendStream({ total })`, if any. */
  total?: number;
}

export interface MessageStreamOptions {
  binary?: boolean;
  /** Expected payload size, passed back in progress reports. */
  total?: number;
  /** Called after every fragment is framed; returning `false` cancels the message (anything else continues). */
  onProgress?: (progress: StreamProgress) => unknown;
}

/** The protocol side of a stream (WebSocketProtocol implements it). */
export interface StreamHost {
  readonly streamWritable: boolean;
  streamFrames(entry: OutboundEntry, opcode: number, payload: Buffer, fin: boolean): number;
  streamCancelled(entry: OutboundEntry): void;
}

type StreamResult = Result<void, ParleyError<SendErrorCode>>;

/**
 * One outgoing message written in pieces (for payloads too large to hold at once). Each
 * `write` frames its data as non-final fragments (split at the connection's `fragmentSize`
 * when set); `end` sends the final fragment. Other messages sent meanwhile queue behind it;
 * pings and pongs do not. Cancelling (onProgress returning false, or `cancel()`) sends no
 * more fragments and closes the connection cleanly with 1000 "message cancelled" — the close
 * frame may legally follow an unfinished message. Buffers over 4 KiB are referenced, not
 * copied: do not modify them after writing.
 */
export class MessageStream {
  private readonly host: StreamHost;
  private readonly entry: OutboundEntry;
  private readonly binary: boolean;
  private readonly total: number | undefined;
  private readonly onProgress: MessageStreamOptions['onProgress'];
  private readonly fragmentSize: number;
  private started = false;
  private done = false;
  private sentBytes = 0;
  private wireBytes = 0;
  private readonly refusal: ParleyError<SendErrorCode> | null;

  constructor(
    host: StreamHost,
    entry: OutboundEntry,
    options: MessageStreamOptions,
    fragmentSize: number,
    refusal: ParleyError<SendErrorCode> | null = null,
  ) {
    this.host = host;
    this.refusal = refusal;
    this.entry = entry;
    this.binary = options.binary ?? true;
    this.total = options.total;
    this.onProgress = options.onProgress;
    this.fragmentSize = fragmentSize;
  }

  /** Payload bytes framed so far. */
  get sent(): number {
    return this.sentBytes;
  }

  /** Wire bytes (headers included) framed so far. */
  get wireSize(): number {
    return this.wireBytes;
  }

  /** True once ended or cancelled. */
  get finished(): boolean {
    return this.done;
  }

  write(data: MessageData): StreamResult {
    const refused = this.check();
    if (refused !== null) return refused;
    return this.frame(toBuffer(data), false);
  }

  /** Sends the final fragment (with `data`, or empty). */
  end(data?: MessageData): StreamResult {
    const refused = this.check();
    if (refused !== null) return refused;
    return this.frame(data === undefined ? Buffer.alloc(0) : toBuffer(data), true);
  }

  /** Abandons the message: no more fragments, and the connection is closed cleanly. */
  cancel(): void {
    if (this.done) return;
    this.done = true;
    this.host.streamCancelled(this.entry);
  }

  private check(): StreamResult | null {
    if (this.refusal !== null) {
      this.done = true;
      return err(this.refusal);
    }
    if (this.done) return err(parleyError('STREAM_ENDED', 'the stream has ended'));
    if (!this.host.streamWritable) {
      this.done = true;
      return err(parleyError('NOT_OPEN', 'the connection is not open'));
    }
    return null;
  }

  private frame(payload: Buffer, fin: boolean): StreamResult {
    const step = this.fragmentSize > 0 ? this.fragmentSize : payload.length;
    let offset = 0;
    do {
      const end = Math.min(offset + step, payload.length);
      const last = fin && end === payload.length;
      if (payload.length > 0 || last) {
        const opcode = this.started ? Opcode.Continuation : this.binary ? Opcode.Binary : Opcode.Text;
        this.started = true;
        this.wireBytes += this.host.streamFrames(this.entry, opcode, payload.subarray(offset, end), last);
        this.sentBytes += end - offset;
        if (last) this.done = true;
        if (this.onProgress !== undefined && this.reportProgress() === false && !last) {
          this.cancel();
          return err(parleyError('CANCELLED', 'the message was cancelled by onProgress'));
        }
      }
      offset = end;
    } while (offset < payload.length);
    return ok();
  }

  private reportProgress(): unknown {
    const progress: StreamProgress =
      this.total === undefined ? { sent: this.sentBytes } : { sent: this.sentBytes, total: this.total };
    return this.onProgress!(progress);
  }
}
