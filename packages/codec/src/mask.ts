import { randomFillSync } from 'node:crypto';
import { SIMD_BLOCK, type SimdMasker, simdMasker } from './simd-mask.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Below this many bytes an unrolled byte loop beats setting up a 32-bit view (measured). */
const WORD_THRESHOLD = 256;

/**
 * The shape of the `bufferutil` addon's masking functions. Parley never loads native code
 * itself; an application that has `bufferutil` installed can opt in with
 * `useNativeMasking(require('bufferutil'))` to unmask large payloads with SIMD.
 */
export interface NativeMasking {
  unmask(buffer: Buffer, mask: Buffer): void;
}

let native: NativeMasking | null = null;
/** The WebAssembly SIMD kernel (simd-mask.ts); tests switch it off to exercise the JS loops. */
let simdEnabled = true;
/** From this many bytes the SIMD kernel beats the word loop, copies included (measured). */
const SIMD_THRESHOLD = 768;

/** Installs (or with null removes) a native masker for large payloads; see NativeMasking. */
export function useNativeMasking(masking: NativeMasking | null): void {
  native = masking;
}

/**
 * XORs `data[start, end)` in place with the 4-byte key at `mask[maskOffset..maskOffset+3]`,
 * starting at key byte `phase` (the payload position modulo 4 of `data[start]`). Short ranges
 * use a 4-way unrolled byte loop; long ones process the aligned middle a 32-bit word at a time.
 */
export function xorMask(
  data: Uint8Array,
  start: number,
  end: number,
  mask: Uint8Array,
  maskOffset: number,
  phase: number,
): void {
  const length = end - start;
  if (length < WORD_THRESHOLD) {
    xorBytes(data, start, end, mask, maskOffset, phase);
  } else if (native !== null) {
    // Same cut-off as the word loop: below it the addon call and its views cost more than they save.
    xorNative(native, data, start, end, mask, maskOffset, phase);
  } else {
    const simd = simdFor(length);
    if (simd !== null) xorSimd(simd, data, start, end, data, start, mask, maskOffset, phase);
    else xorWords(data, start, end, mask, maskOffset, phase);
  }
}

/**
 * Writes `src[srcStart, srcEnd)` XORed with the key (as xorMask) into `dst` from `dstStart`,
 * leaving `src` as it was. With the SIMD kernel each block goes source → kernel memory → its
 * destination: one copy fewer than unmasking in place and copying the result on.
 */
export function xorMaskCopy(
  src: Uint8Array,
  srcStart: number,
  srcEnd: number,
  dst: Uint8Array,
  dstStart: number,
  mask: Uint8Array,
  maskOffset: number,
  phase: number,
): void {
  const length = srcEnd - srcStart;
  const simd = native === null ? simdFor(length) : null;
  if (simd !== null) {
    xorSimd(simd, src, srcStart, srcEnd, dst, dstStart, mask, maskOffset, phase);
  } else {
    dst.set(src.subarray(srcStart, srcEnd), dstStart);
    xorMask(dst, dstStart, dstStart + length, mask, maskOffset, phase);
  }
}

/** The SIMD kernel when it is on and pays for `length` bytes, copies included; else null. */
function simdFor(length: number): SimdMasker | null {
  return length >= SIMD_THRESHOLD && simdEnabled ? simdMasker() : null;
}

/** For tests: turns the WebAssembly SIMD kernel off (false) or back on. */
export function useSimdMasking(enabled: boolean): void {
  simdEnabled = enabled;
}

/**
 * `src[srcStart, srcEnd)` XORed into `dst` from `dstStart` a block at a time through the
 * kernel's memory (src in, XOR, out to dst). `dst` may be `src` at the same offset: in place.
 */
function xorSimd(
  simd: SimdMasker,
  src: Uint8Array,
  srcStart: number,
  srcEnd: number,
  dst: Uint8Array,
  dstStart: number,
  mask: Uint8Array,
  maskOffset: number,
  phase: number,
): void {
  // WebAssembly memory is little-endian on every host.
  const key = keyWord(mask, maskOffset, phase, true);
  const scratch = simd.scratch;
  // Blocks are a multiple of 4 bytes long, so every block starts at the same key phase.
  for (let at = 0; at < srcEnd - srcStart; at += SIMD_BLOCK) {
    const size = Math.min(SIMD_BLOCK, srcEnd - srcStart - at);
    scratch.set(src.subarray(srcStart + at, srcStart + at + size), 0);
    simd.xor(0, size, key);
    dst.set(scratch.subarray(0, size), dstStart + at);
  }
}

/**
 * The 4-byte key rotated to start at key byte `phase`, as one 32-bit word in the given byte
 * order. Signed: V8 keeps int32 XOR in registers, while uint32 values above 2^31 would be
 * boxed as doubles (measured ~1.5x slower in the word loop).
 */
function keyWord(mask: Uint8Array, maskOffset: number, phase: number, littleEndian: boolean): number {
  const p = phase & 3;
  const b0 = mask[maskOffset + p]!;
  const b1 = mask[maskOffset + ((p + 1) & 3)]!;
  const b2 = mask[maskOffset + ((p + 2) & 3)]!;
  const b3 = mask[maskOffset + ((p + 3) & 3)]!;
  return littleEndian ? b0 | (b1 << 8) | (b2 << 16) | (b3 << 24) : (b0 << 24) | (b1 << 16) | (b2 << 8) | b3;
}

function xorBytes(
  data: Uint8Array,
  start: number,
  end: number,
  mask: Uint8Array,
  maskOffset: number,
  phase: number,
): void {
  const p = phase & 3;
  const k0 = mask[maskOffset + p]!;
  const k1 = mask[maskOffset + ((p + 1) & 3)]!;
  const k2 = mask[maskOffset + ((p + 2) & 3)]!;
  const k3 = mask[maskOffset + ((p + 3) & 3)]!;
  let i = start;
  for (; i + 3 < end; i += 4) {
    data[i] = data[i]! ^ k0;
    data[i + 1] = data[i + 1]! ^ k1;
    data[i + 2] = data[i + 2]! ^ k2;
    data[i + 3] = data[i + 3]! ^ k3;
  }
  if (i < end) data[i] = data[i]! ^ k0;
  if (i + 1 < end) data[i + 1] = data[i + 1]! ^ k1;
  if (i + 2 < end) data[i + 2] = data[i + 2]! ^ k2;
}

function xorWords(
  data: Uint8Array,
  start: number,
  end: number,
  mask: Uint8Array,
  maskOffset: number,
  phase: number,
): void {
  let i = start;
  let p = phase & 3;
  // Bytes until the absolute address is 4-aligned.
  const misalign = (data.byteOffset + i) & 3;
  const head = misalign === 0 ? 0 : 4 - misalign;
  for (let h = 0; h < head; h++) {
    data[i] = data[i]! ^ mask[maskOffset + p]!;
    i++;
    p = (p + 1) & 3;
  }
  const words = (end - i) >>> 2;
  const word = keyWord(mask, maskOffset, p, LITTLE_ENDIAN);
  const view = new Int32Array(data.buffer, data.byteOffset + i, words);
  const unrolled = words & ~7;
  let w = 0;
  for (; w < unrolled; w += 8) {
    view[w] = view[w]! ^ word;
    view[w + 1] = view[w + 1]! ^ word;
    view[w + 2] = view[w + 2]! ^ word;
    view[w + 3] = view[w + 3]! ^ word;
    view[w + 4] = view[w + 4]! ^ word;
    view[w + 5] = view[w + 5]! ^ word;
    view[w + 6] = view[w + 6]! ^ word;
    view[w + 7] = view[w + 7]! ^ word;
  }
  for (; w < words; w++) view[w] = view[w]! ^ word;
  i += words << 2;
  xorBytes(data, i, end, mask, maskOffset, p);
}

function xorNative(
  masking: NativeMasking,
  data: Uint8Array,
  start: number,
  end: number,
  mask: Uint8Array,
  maskOffset: number,
  phase: number,
): void {
  // The addon always starts at key byte 0: bring the phase there first.
  let i = start;
  for (let p = phase & 3; p !== 0; p = (p + 1) & 3) {
    data[i] = data[i]! ^ mask[maskOffset + p]!;
    i++;
  }
  // Views cost an allocation each; skip them in the common case (a whole Buffer, a 4-byte key).
  const target =
    i === 0 && end === data.length && Buffer.isBuffer(data)
      ? data
      : Buffer.from(data.buffer, data.byteOffset + i, end - i);
  const key =
    maskOffset === 0 && mask.length === 4 && Buffer.isBuffer(mask)
      ? mask
      : Buffer.from(mask.buffer, mask.byteOffset + maskOffset, 4);
  masking.unmask(target, key);
}

/**
 * Masks or unmasks `data` in place with a 4-byte `mask` (RFC 6455 §5.3). `phase` is the
 * position modulo 4 of `data[0]` within the frame payload (0 for a whole payload).
 */
export function applyMask(data: Uint8Array, mask: Uint8Array, phase = 0): void {
  if (mask.length < 4) throw new RangeError('a mask key has 4 bytes');
  xorMask(data, 0, data.length, mask, 0, phase);
}

/** Masking keys come from one pooled random buffer, refilled when used up (one syscall per 2048 keys). */
const KEY_POOL_SIZE = 8192;
const keyPool = Buffer.allocUnsafe(KEY_POOL_SIZE);
let keyPoolOffset = KEY_POOL_SIZE;

/** Copies a fresh random 4-byte masking key into `target` at `offset`. */
export function writeMaskKey(target: Uint8Array, offset: number): void {
  if (keyPoolOffset === KEY_POOL_SIZE) {
    randomFillSync(keyPool);
    keyPoolOffset = 0;
  }
  target[offset] = keyPool[keyPoolOffset]!;
  target[offset + 1] = keyPool[keyPoolOffset + 1]!;
  target[offset + 2] = keyPool[keyPoolOffset + 2]!;
  target[offset + 3] = keyPool[keyPoolOffset + 3]!;
  keyPoolOffset += 4;
}
