// Hand-made RFC 6455 frames for the conformance suites. Deliberately independent of
// @parley/codec: the suite must be able to build frames the codec would refuse to build
// (reserved bits, reserved opcodes, oversized control frames, bogus lengths) and must not
// share bugs with the implementation it judges.
import { randomBytes } from 'node:crypto';

export const OP = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
} as const;

export interface FrameSpec {
  opcode: number;
  payload?: Buffer | string;
  /** Default true. */
  fin?: boolean;
  rsv1?: boolean;
  rsv2?: boolean;
  rsv3?: boolean;
  /** true: random key; a Buffer: that key; false: unmasked. Default: decided by the sender's role. */
  mask?: boolean | Buffer;
}

export interface DecodedFrame {
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  masked: boolean;
  maskKey: Buffer | null;
  /** Unmasked payload. */
  payload: Buffer;
  /** Bytes this frame took on the wire (header + payload). */
  wireLength: number;
}

export function toBuffer(data: Buffer | string | undefined): Buffer {
  if (data === undefined) return Buffer.alloc(0);
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/** XORs `data` with the 4-byte key into a new buffer. */
export function xorMask(data: Buffer, key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i]! ^ key[i & 3]!;
  return out;
}

/** Encodes one frame exactly as specified, whatever the RFC says about it. */
export function craftFrame(spec: FrameSpec, defaultMask: boolean): Buffer {
  const payload = toBuffer(spec.payload);
  const maskSetting = spec.mask ?? defaultMask;
  const key = maskSetting === false ? null : maskSetting === true ? randomBytes(4) : maskSetting;
  const len = payload.length;
  const lengthBytes = len < 126 ? 0 : len < 65536 ? 2 : 8;
  const header = Buffer.alloc(2 + lengthBytes + (key ? 4 : 0));
  header[0] =
    ((spec.fin ?? true) ? 0x80 : 0) |
    (spec.rsv1 ? 0x40 : 0) |
    (spec.rsv2 ? 0x20 : 0) |
    (spec.rsv3 ? 0x10 : 0) |
    (spec.opcode & 0x0f);
  const maskBit = key ? 0x80 : 0;
  if (lengthBytes === 0) header[1] = maskBit | len;
  else if (lengthBytes === 2) {
    header[1] = maskBit | 126;
    header.writeUInt16BE(len, 2);
  } else {
    header[1] = maskBit | 127;
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  if (!key) return Buffer.concat([header, payload]);
  key.copy(header, 2 + lengthBytes);
  return Buffer.concat([header, xorMask(payload, key)]);
}

/** Splits bytes into pieces of `size` (the last one may be shorter). */
export function chop(data: Buffer, size: number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) pieces.push(data.subarray(i, i + size));
  return pieces;
}

/** A close payload: 2-byte code followed by the reason. */
export function closePayload(code: number, reason: Buffer | string = ''): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(code, 0);
  return Buffer.concat([head, toBuffer(reason)]);
}

/**
 * Incremental frame decoder for the bytes a peer sends. Buffers chunks and yields complete
 * frames; does not judge them (the suite does that, with a precise message).
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): DecodedFrame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: DecodedFrame[] = [];
    for (;;) {
      const frame = this.tryDecode();
      if (!frame) return frames;
      frames.push(frame);
    }
  }

  get pendingBytes(): number {
    return this.buffered;
  }

  private peek(n: number): Buffer {
    const first = this.chunks[0];
    if (first && first.length >= n) return first.subarray(0, n);
    const out = Buffer.alloc(n);
    let offset = 0;
    for (const c of this.chunks) {
      const take = Math.min(c.length, n - offset);
      c.copy(out, offset, 0, take);
      offset += take;
      if (offset === n) break;
    }
    return out;
  }

  private take(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let offset = 0;
    while (offset < n) {
      const c = this.chunks[0]!;
      const want = n - offset;
      if (c.length <= want) {
        c.copy(out, offset);
        offset += c.length;
        this.chunks.shift();
      } else {
        c.copy(out, offset, 0, want);
        this.chunks[0] = c.subarray(want);
        offset += want;
      }
    }
    this.buffered -= n;
    return out;
  }

  private tryDecode(): DecodedFrame | null {
    if (this.buffered < 2) return null;
    const start = this.peek(2);
    const b0 = start[0]!;
    const b1 = start[1]!;
    const masked = (b1 & 0x80) !== 0;
    const len7 = b1 & 0x7f;
    const lengthBytes = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
    const headerLength = 2 + lengthBytes + (masked ? 4 : 0);
    if (this.buffered < headerLength) return null;
    const header = this.peek(headerLength);
    let len = len7;
    if (lengthBytes === 2) len = header.readUInt16BE(2);
    else if (lengthBytes === 8) len = Number(header.readBigUInt64BE(2));
    if (this.buffered < headerLength + len) return null;
    this.take(headerLength);
    const maskKey = masked ? Buffer.from(header.subarray(2 + lengthBytes, headerLength)) : null;
    const raw = this.take(len);
    return {
      fin: (b0 & 0x80) !== 0,
      rsv1: (b0 & 0x40) !== 0,
      rsv2: (b0 & 0x20) !== 0,
      rsv3: (b0 & 0x10) !== 0,
      opcode: b0 & 0x0f,
      masked,
      maskKey,
      payload: maskKey ? xorMask(raw, maskKey) : raw,
      wireLength: headerLength + len,
    };
  }
}

export function describeFrame(f: DecodedFrame): string {
  const bits = [f.fin ? 'FIN' : 'no-FIN', f.rsv1 ? 'RSV1' : '', f.rsv2 ? 'RSV2' : '', f.rsv3 ? 'RSV3' : '']
    .filter(Boolean)
    .join('+');
  let detail = `${f.payload.length} B`;
  if (f.opcode === OP.close && f.payload.length >= 2) {
    detail = `code ${f.payload.readUInt16BE(0)} reason ${JSON.stringify(f.payload.subarray(2).toString())}`;
  }
  return `${opcodeName(f.opcode)} frame (${bits}, ${detail}${f.masked ? ', masked' : ''})`;
}

export function opcodeName(op: number): string {
  switch (op) {
    case OP.continuation:
      return 'continuation';
    case OP.text:
      return 'text';
    case OP.binary:
      return 'binary';
    case OP.close:
      return 'close';
    case OP.ping:
      return 'ping';
    case OP.pong:
      return 'pong';
    default:
      return `opcode 0x${op.toString(16)}`;
  }
}
