import { writeMaskKey, xorMask } from './mask.js';

export interface EncodeFrameOptions {
  /** Final fragment of the message (default true). */
  fin?: boolean;
  /** RSV1: set on the first frame of a permessage-deflate compressed message. */
  rsv1?: boolean;
  /**
   * true: mask with a fresh random key (client → server frames); a 4-byte array: mask with
   * that key (tests, fixtures); false/undefined: unmasked (server → client frames).
   */
  mask?: boolean | Uint8Array;
}

/** Size of the frame header for a payload of `length` bytes. */
export function frameHeaderSize(length: number, masked: boolean): number {
  const base = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  return masked ? base + 4 : base;
}

/**
 * Writes a frame header into `target` at `offset` and returns the offset just past it (where
 * the 4-byte masking key starts when `masked`, which the caller writes).
 */
export function writeFrameHeader(
  target: Uint8Array,
  offset: number,
  opcode: number,
  length: number,
  fin: boolean,
  rsv1: boolean,
  masked: boolean,
): number {
  target[offset] = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode;
  const maskBit = masked ? 0x80 : 0;
  if (length < 126) {
    target[offset + 1] = maskBit | length;
    return offset + 2;
  }
  if (length < 0x10000) {
    target[offset + 1] = maskBit | 126;
    target[offset + 2] = length >>> 8;
    target[offset + 3] = length & 0xff;
    return offset + 4;
  }
  target[offset + 1] = maskBit | 127;
  const high = Math.floor(length / 0x100000000);
  const low = length >>> 0;
  target[offset + 2] = high >>> 24;
  target[offset + 3] = (high >>> 16) & 0xff;
  target[offset + 4] = (high >>> 8) & 0xff;
  target[offset + 5] = high & 0xff;
  target[offset + 6] = low >>> 24;
  target[offset + 7] = (low >>> 16) & 0xff;
  target[offset + 8] = (low >>> 8) & 0xff;
  target[offset + 9] = low & 0xff;
  return offset + 10;
}

/** Encodes just the header (for large unmasked payloads written separately). */
export function encodeFrameHeader(
  opcode: number,
  length: number,
  options: { fin?: boolean; rsv1?: boolean } = {},
): Buffer {
  const header = Buffer.allocUnsafe(frameHeaderSize(length, false));
  writeFrameHeader(header, 0, opcode, length, options.fin ?? true, options.rsv1 ?? false, false);
  return header;
}

/**
 * Encodes one whole frame (header + payload) into a single new buffer. Masking copies the
 * payload into the frame and masks the copy in place; the caller's payload is never modified.
 */
export function encodeFrame(opcode: number, payload: Uint8Array, options: EncodeFrameOptions = {}): Buffer {
  const mask = options.mask ?? false;
  const masked = mask !== false;
  const length = payload.length;
  const frame = Buffer.allocUnsafe(frameHeaderSize(length, masked) + length);
  let offset = writeFrameHeader(frame, 0, opcode, length, options.fin ?? true, options.rsv1 ?? false, masked);
  if (masked) {
    const keyOffset = offset;
    if (mask === true) {
      writeMaskKey(frame, keyOffset);
    } else {
      if (mask.length < 4) throw new RangeError('a mask key has 4 bytes');
      frame[keyOffset] = mask[0]!;
      frame[keyOffset + 1] = mask[1]!;
      frame[keyOffset + 2] = mask[2]!;
      frame[keyOffset + 3] = mask[3]!;
    }
    offset += 4;
    frame.set(payload, offset);
    xorMask(frame, offset, offset + length, frame, keyOffset, 0);
  } else {
    frame.set(payload, offset);
  }
  return frame;
}

/**
 * Encodes a string payload straight into a new frame buffer (no intermediate Buffer):
 * header, UTF-8 bytes, masked in place when `masked`. `byteLength` is Buffer.byteLength(text).
 */
export function encodeStringFrame(
  opcode: number,
  text: string,
  byteLength: number,
  fin: boolean,
  masked: boolean,
): Buffer {
  const frame = Buffer.allocUnsafe(frameHeaderSize(byteLength, masked) + byteLength);
  let offset = writeFrameHeader(frame, 0, opcode, byteLength, fin, false, masked);
  if (masked) {
    writeMaskKey(frame, offset);
    offset += 4;
    frame.write(text, offset, byteLength, 'utf8');
    xorMask(frame, offset, offset + byteLength, frame, offset - 4, 0);
  } else {
    frame.write(text, offset, byteLength, 'utf8');
  }
  return frame;
}
