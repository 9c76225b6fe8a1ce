import { isUtf8 } from 'node:buffer';
import { CloseCode, Opcode } from './constants.js';
import type { FrameHandler } from './frame-parser.js';
import type { ProtocolErrorCode } from './types.js';
import { Utf8Validator } from './utf8-validator.js';

/** Receives whole messages and control frames from the MessageAssembler. */
export interface MessageHandler {
  /** A complete, uncompressed, validated message (text is valid UTF-8). */
  message(data: Buffer, binary: boolean): void;
  /** A piece of a compressed (RSV1) message, in order; `fin` on the last one. */
  compressed(data: Buffer, fin: boolean, binary: boolean): void;
  /** A control frame (close, ping, pong); may arrive between fragments of a data message. */
  control(opcode: number, payload: Buffer): void;
  /** The peer broke a rule; the connection must be failed with `closeCode`. */
  protocolError(closeCode: number, code: ProtocolErrorCode, message: string): void;
}

export interface MessageAssemblerOptions {
  maxPayload: number;
  maxFragments: number;
}

/**
 * Views into received chunks are kept until this many pile up, then copied into one buffer,
 * so many tiny fragments cannot pin many large socket chunks in memory.
 */
const COMPACT_AFTER = 64;
const EMPTY = Buffer.alloc(0);
const NO_PIECES: Buffer[] = [];
/**
 * Largest announced frame whose buffer is allocated up front. The bytes are only reserved
 * (untouched pages cost no RSS), but a peer could announce and then stall; above this the
 * message grows with what actually arrives.
 */
const PREALLOCATE_UP_TO = 1024 * 1024;

/**
 * Reassembles fragmented messages (RFC 6455 §5.4). Enforces: continuation only inside a
 * message and new data frames only outside one (1002); `maxPayload` over the whole message
 * and `maxFragments` per message (1009); UTF-8 for text, checked as each piece arrives so an
 * invalid sequence fails at once (1007). Control frames pass straight through.
 */
export class MessageAssembler implements FrameHandler {
  private readonly handler: MessageHandler;
  private readonly maxPayload: number;
  private readonly maxFragments: number;
  /** Created for the first fragmented text message (whole ones use native isUtf8). */
  private validator: Utf8Validator | null = null;

  /** Opcode of the open message (Text/Binary) or 0 when no message is open. */
  private opcode = 0;
  private isCompressed = false;
  private size = 0;
  private fragments = 0;
  /** NO_PIECES (shared, never written) until the first piece: no array per idle connection or message. */
  private pieces: Buffer[] = NO_PIECES;
  /** How many trailing entries of `pieces` are uncopied views. */
  private views = 0;
  /**
   * An unfragmented message whose frame spans chunks is written into its final buffer piece by
   * piece as the bytes arrive, instead of kept as views and concatenated at the end; `wholeAt`
   * is how much of it is filled. frameStart hands this buffer to the parser, which unmasks each
   * piece straight into it; pieces from elsewhere are copied in.
   */
  private whole: Buffer | null = null;
  private wholeAt = 0;
  /** FIN of the frame being streamed through frameStart/frameData/frameEnd. */
  private streamingFin = false;
  private failed = false;

  constructor(handler: MessageHandler, options: MessageAssemblerOptions) {
    this.handler = handler;
    this.maxPayload = options.maxPayload;
    this.maxFragments = options.maxFragments;
  }

  /** True while a fragmented message is open. */
  get inMessage(): boolean {
    return this.opcode !== 0;
  }

  frame(fin: boolean, rsv1: boolean, opcode: number, payload: Buffer): void {
    if (opcode >= 0x8) {
      this.handler.control(opcode, payload);
      return;
    }
    // Fast path: a whole uncompressed message in one frame, delivered as the view it is.
    if (fin && opcode !== Opcode.Continuation && !rsv1 && this.opcode === 0) {
      if (payload.length > this.maxPayload) {
        this.fail(CloseCode.MessageTooBig, 'MESSAGE_TOO_BIG', `message over maxPayload (${this.maxPayload})`);
        return;
      }
      if (opcode === Opcode.Text && !isUtf8(payload)) {
        this.fail(CloseCode.InvalidPayload, 'INVALID_UTF8', 'text message is not valid UTF-8');
        return;
      }
      this.handler.message(payload, opcode === Opcode.Binary);
      return;
    }
    if (!this.begin(rsv1, opcode, payload.length)) return;
    if (this.isCompressed) {
      this.handler.compressed(payload, fin, this.opcode === Opcode.Binary);
      if (fin) this.reset();
      return;
    }
    if (!this.append(payload)) return;
    if (fin) this.finish();
  }

  frameStart(fin: boolean, rsv1: boolean, opcode: number, length: number): Buffer | null {
    // Control frames never stream (the parser buffers them), so this is a data frame.
    if (!this.begin(rsv1, opcode, length)) return null;
    this.streamingFin = fin;
    if (fin && this.fragments === 1 && !this.isCompressed && length <= PREALLOCATE_UP_TO) {
      this.whole = Buffer.allocUnsafe(length);
      this.wholeAt = 0;
      return this.whole;
    }
    return null;
  }

  frameData(data: Buffer): void {
    if (this.failed) return;
    if (this.isCompressed) {
      this.handler.compressed(data, false, this.opcode === Opcode.Binary);
      return;
    }
    const whole = this.whole;
    if (whole !== null) {
      if (this.opcode === Opcode.Text) {
        this.validator ??= new Utf8Validator();
        if (!this.validator.write(data)) {
          this.fail(CloseCode.InvalidPayload, 'INVALID_UTF8', 'text message is not valid UTF-8');
          return;
        }
      }
      // A FrameParser wrote the bytes in place already; a caller that ignored the target did not.
      const inPlace = data.buffer === whole.buffer && data.byteOffset === whole.byteOffset + this.wholeAt;
      if (!inPlace) whole.set(data, this.wholeAt);
      this.wholeAt += data.length;
      return;
    }
    this.append(data);
  }

  frameEnd(): void {
    if (this.failed || !this.streamingFin) return;
    if (this.isCompressed) {
      this.handler.compressed(EMPTY, true, this.opcode === Opcode.Binary);
      this.reset();
      return;
    }
    this.finish();
  }

  frameError(closeCode: number, code: ProtocolErrorCode, message: string): void {
    this.fail(closeCode, code, message);
  }

  /** Checks a data frame against the message state; opens a message on Text/Binary. */
  private begin(rsv1: boolean, opcode: number, length: number): boolean {
    if (this.failed) return false;
    if (opcode === Opcode.Continuation) {
      if (this.opcode === 0) {
        return this.fail(
          CloseCode.ProtocolError,
          'UNEXPECTED_CONTINUATION',
          'continuation frame without a message',
        );
      }
    } else {
      if (this.opcode !== 0) {
        return this.fail(
          CloseCode.ProtocolError,
          'EXPECTED_CONTINUATION',
          'new data frame inside a fragmented message',
        );
      }
      this.opcode = opcode;
      this.isCompressed = rsv1;
    }
    if (++this.fragments > this.maxFragments) {
      return this.fail(
        CloseCode.MessageTooBig,
        'TOO_MANY_FRAGMENTS',
        `more than ${this.maxFragments} fragments`,
      );
    }
    this.size += length;
    if (this.size > this.maxPayload) {
      return this.fail(
        CloseCode.MessageTooBig,
        'MESSAGE_TOO_BIG',
        `message over maxPayload (${this.maxPayload})`,
      );
    }
    return true;
  }

  private append(data: Buffer): boolean {
    if (this.opcode === Opcode.Text) {
      this.validator ??= new Utf8Validator();
      if (!this.validator.write(data))
        return this.fail(CloseCode.InvalidPayload, 'INVALID_UTF8', 'text message is not valid UTF-8');
    }
    if (data.length === 0) return true;
    if (this.pieces === NO_PIECES) this.pieces = [];
    this.pieces.push(data);
    if (++this.views >= COMPACT_AFTER) {
      const start = this.pieces.length - this.views;
      const joined = Buffer.concat(this.pieces.slice(start));
      this.pieces.length = start;
      this.pieces.push(joined);
      this.views = 0;
    }
    return true;
  }

  private finish(): void {
    if (this.opcode === Opcode.Text && this.validator !== null && !this.validator.end()) {
      this.fail(CloseCode.InvalidPayload, 'INVALID_UTF8', 'text message ends inside a UTF-8 sequence');
      return;
    }
    const pieces = this.pieces;
    const data =
      this.whole !== null
        ? this.whole
        : pieces.length === 1
          ? pieces[0]!
          : pieces.length === 0
            ? EMPTY
            : Buffer.concat(pieces, this.size);
    const binary = this.opcode === Opcode.Binary;
    this.reset();
    this.handler.message(data, binary);
  }

  private reset(): void {
    this.opcode = 0;
    this.isCompressed = false;
    this.size = 0;
    this.fragments = 0;
    this.pieces = NO_PIECES;
    this.views = 0;
    this.whole = null;
    this.wholeAt = 0;
    this.validator?.reset();
  }

  private fail(closeCode: number, code: ProtocolErrorCode, message: string): false {
    if (!this.failed) {
      this.failed = true;
      this.reset();
      this.handler.protocolError(closeCode, code, message);
    }
    return false;
  }
}
