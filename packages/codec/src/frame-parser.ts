import { CloseCode, isControlOpcode, isKnownOpcode, MAX_CONTROL_PAYLOAD } from './constants.js';
import { xorMask, xorMaskCopy } from './mask.js';
import type { ProtocolErrorCode, Role } from './types.js';

/**
 * Receives what the FrameParser finds. A frame whose payload is wholly inside the current
 * chunk (and every control frame) arrives as one `frame` call; a data frame that spans
 * chunks arrives as `frameStart`, one or more `frameData`, then `frameEnd`. Payload buffers
 * are views into the received chunks, already unmasked — unless `frameStart` returned a
 * target buffer.
 */
export interface FrameHandler {
  frame(fin: boolean, rsv1: boolean, opcode: number, payload: Buffer): void;
  /**
   * May return a buffer of at least `length` bytes: the parser then writes the frame's payload
   * into it, unmasking on the way (one pass over the bytes instead of unmasking the received
   * chunk and copying it), and each `frameData` is a view of that buffer where the bytes landed.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: implementers that never return a target just return nothing
  frameStart(fin: boolean, rsv1: boolean, opcode: number, length: number): Buffer | null | void;
  frameData(data: Buffer): void;
  frameEnd(): void;
  /** The peer broke a framing rule; the parser has stopped. */
  frameError(closeCode: number, code: ProtocolErrorCode, message: string): void;
}

export interface FrameParserOptions {
  role: Role;
  /** RSV1 allowed on the first frame of a data message (permessage-deflate negotiated). */
  allowRsv1: boolean;
}

/** Longest header (2 + 8 length + 4 key), then the current masking key. */
const MAX_HEADER = 14;
const MASK_AT = MAX_HEADER;
const SCRATCH_SIZE = MAX_HEADER + 4;

/** Parser states (plain numbers: cheapest comparison on the hot path). */
const State = {
  Header: 0,
  Payload: 1,
  ControlPayload: 2,
  Stopped: 3,
} as const;
type ParserState = (typeof State)[keyof typeof State];

/**
 * Incremental RFC 6455 frame parser. Any split of the byte stream (down to one byte per
 * chunk) gives the same frames. No chunk concatenation: headers split across chunks are
 * gathered in a 14-byte scratch buffer, control payloads in a 125-byte one, and data
 * payloads are handed on as views, unmasked in place.
 *
 * Checks: RSV bits (only RSV1, only when negotiated, never on control or continuation
 * frames), reserved opcodes, FIN and ≤125 bytes on control frames, the mask bit for the role
 * (a server needs masked frames, a client unmasked ones), and 64-bit lengths with the top
 * bit set. All fail with 1002. Size limits are the handler's job (it sees the length first).
 */
export class FrameParser {
  private state: ParserState = State.Header;
  private readonly handler: FrameHandler;
  private readonly expectMask: boolean;
  private readonly allowRsv1: boolean;

  /**
   * Scratch bytes 0..13: header bytes gathered so far when a header spans chunks; bytes
   * 14..17: masking key of a frame whose payload spans chunks (copied, since its chunk may be
   * gone). Allocated the first time either happens: connections whose frames arrive whole
   * (and idle ones) never carry it.
   */
  private scratch: Buffer | null = null;
  private headerLength = 0;
  private masked = false;
  private opcode = 0;
  /** Payload bytes of the current frame still to come / already seen. */
  private remaining = 0;
  private received = 0;
  /** Where frameStart asked for the current spanning frame's payload to be written, if anywhere. */
  private target: Buffer | null = null;
  /** Gathers a control payload split across chunks; allocated the first time that happens. */
  private control: Buffer | null = null;

  constructor(handler: FrameHandler, options: FrameParserOptions) {
    this.handler = handler;
    this.expectMask = options.role === 'server';
    this.allowRsv1 = options.allowRsv1;
  }

  get stopped(): boolean {
    return this.state === State.Stopped;
  }

  /** Stops parsing; later chunks are ignored (after a close frame or a failure). */
  stop(): void {
    this.state = State.Stopped;
  }

  push(chunk: Buffer): void {
    const end = chunk.length;
    let pos = 0;
    while (pos < end) {
      const state = this.state;
      if (state === State.Header) {
        pos = this.readHeader(chunk, pos, end);
      } else if (state === State.Payload) {
        const take = Math.min(this.remaining, end - pos);
        const target = this.target;
        let part: Buffer;
        if (target !== null) {
          const at = this.received;
          if (this.masked) xorMaskCopy(chunk, pos, pos + take, target, at, this.scratch!, MASK_AT, at & 3);
          else chunk.copy(target, at, pos, pos + take);
          part = target.subarray(at, at + take);
        } else {
          part = chunk.subarray(pos, pos + take);
          if (this.masked) xorMask(part, 0, take, this.scratch!, MASK_AT, this.received & 3);
        }
        pos += take;
        this.received += take;
        this.remaining -= take;
        this.handler.frameData(part);
        if (this.remaining === 0 && this.state === State.Payload) {
          this.state = State.Header;
          this.target = null;
          this.handler.frameEnd();
        }
      } else if (state === State.ControlPayload) {
        const take = Math.min(this.remaining, end - pos);
        this.control ??= Buffer.allocUnsafe(MAX_CONTROL_PAYLOAD);
        chunk.copy(this.control, this.received, pos, pos + take);
        pos += take;
        this.received += take;
        this.remaining -= take;
        if (this.remaining === 0) {
          this.state = State.Header;
          const payload = Buffer.from(this.control.subarray(0, this.received));
          if (this.masked) xorMask(payload, 0, payload.length, this.scratch!, MASK_AT, 0);
          this.handler.frame(true, false, this.opcode, payload);
        }
      } else {
        return;
      }
    }
  }

  /** Parses one header starting at `pos`; returns the new position. */
  private readHeader(chunk: Buffer, pos: number, end: number): number {
    let src: Buffer;
    let at: number;
    if (this.headerLength === 0 && end - pos >= 2) {
      const need = headerSize(chunk[pos + 1]!);
      if (end - pos >= need) {
        src = chunk;
        at = pos;
        pos += need;
      } else {
        this.scratch ??= Buffer.allocUnsafe(SCRATCH_SIZE);
        chunk.copy(this.scratch, 0, pos, end);
        this.headerLength = end - pos;
        return end;
      }
    } else {
      // Gather a split header in the scratch buffer.
      let have = this.headerLength;
      this.scratch ??= Buffer.allocUnsafe(SCRATCH_SIZE);
      const scratch = this.scratch;
      while (pos < end && (have < 2 || have < headerSize(scratch[1]!))) {
        scratch[have++] = chunk[pos++]!;
      }
      this.headerLength = have;
      if (have < 2 || have < headerSize(scratch[1]!)) return pos;
      this.headerLength = 0;
      src = scratch;
      at = 0;
    }

    const b0 = src[at]!;
    const b1 = src[at + 1]!;
    const fin = (b0 & 0x80) !== 0;
    const rsv1 = (b0 & 0x40) !== 0;
    const opcode = b0 & 0x0f;
    const masked = (b1 & 0x80) !== 0;
    let length = b1 & 0x7f;
    let next = at + 2;
    if (length === 126) {
      length = (src[next]! << 8) | src[next + 1]!;
      next += 2;
    } else if (length === 127) {
      const high = src.readUInt32BE(next);
      if (high > 0x7fffffff)
        return this.fail(CloseCode.ProtocolError, 'LENGTH_TOO_LARGE', '64-bit length with the top bit set');
      length = high * 0x100000000 + src.readUInt32BE(next + 4);
      next += 8;
    }

    if ((b0 & 0x30) !== 0) return this.fail(CloseCode.ProtocolError, 'RESERVED_BITS', 'RSV2/RSV3 set');
    if (!isKnownOpcode(opcode)) {
      return this.fail(CloseCode.ProtocolError, 'RESERVED_OPCODE', `reserved opcode ${opcode}`);
    }
    const control = isControlOpcode(opcode);
    if (rsv1 && (!this.allowRsv1 || control || opcode === 0)) {
      return this.fail(CloseCode.ProtocolError, 'RESERVED_BITS', 'RSV1 set without a negotiated extension');
    }
    if (control) {
      if (!fin) return this.fail(CloseCode.ProtocolError, 'FRAGMENTED_CONTROL', 'fragmented control frame');
      if (length > MAX_CONTROL_PAYLOAD) {
        return this.fail(CloseCode.ProtocolError, 'CONTROL_TOO_LONG', 'control frame payload over 125 bytes');
      }
    }
    if (masked !== this.expectMask) {
      return masked
        ? this.fail(CloseCode.ProtocolError, 'MASK_UNEXPECTED', 'masked server frame')
        : this.fail(CloseCode.ProtocolError, 'MASK_EXPECTED', 'unmasked client frame');
    }
    this.masked = masked;

    const available = end - pos;
    if (length <= available) {
      // Whole payload in this chunk: one call, no state kept.
      const payload = chunk.subarray(pos, pos + length);
      if (masked) xorMask(payload, 0, length, src, next, 0);
      this.handler.frame(fin, rsv1, opcode, payload);
      return pos + length;
    }
    if (masked) {
      // The key must outlive this chunk. src may be the scratch itself: there the key sits at
      // 2..13, never at MASK_AT.
      this.scratch ??= Buffer.allocUnsafe(SCRATCH_SIZE);
      const scratch = this.scratch;
      scratch[MASK_AT] = src[next]!;
      scratch[MASK_AT + 1] = src[next + 1]!;
      scratch[MASK_AT + 2] = src[next + 2]!;
      scratch[MASK_AT + 3] = src[next + 3]!;
    }
    this.opcode = opcode;
    this.remaining = length;
    this.received = 0;
    if (control) {
      this.state = State.ControlPayload;
    } else {
      this.state = State.Payload;
      const target = this.handler.frameStart(fin, rsv1, opcode, length);
      this.target = target instanceof Uint8Array && target.length >= length ? target : null;
    }
    return pos;
  }

  private fail(closeCode: number, code: ProtocolErrorCode, message: string): number {
    this.state = State.Stopped;
    this.handler.frameError(closeCode, code, message);
    return Number.MAX_SAFE_INTEGER;
  }
}

function headerSize(b1: number): number {
  const length = b1 & 0x7f;
  const base = length < 126 ? 2 : length === 126 ? 4 : 10;
  return (b1 & 0x80) !== 0 ? base + 4 : base;
}
