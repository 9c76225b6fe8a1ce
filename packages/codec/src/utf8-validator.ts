import { isUtf8 } from 'node:buffer';

/** Inputs shorter than this are checked byte by byte; longer ones go through native `isUtf8`. */
const NATIVE_THRESHOLD = 16;

/**
 * Incremental UTF-8 validator for text messages that arrive in pieces (fragments, or parts of
 * one frame). It fails as soon as a byte makes the sequence invalid — overlong forms,
 * surrogates (U+D800–U+DFFF), code points above U+10FFFF, stray continuation bytes — and
 * carries only the state of one incomplete code point (at most 3 bytes) between pieces, so a
 * code point split across fragments is accepted. The bulk of each piece is checked by
 * Node's native `buffer.isUtf8`.
 */
export class Utf8Validator {
  /** Continuation bytes still expected for the current code point. */
  private need = 0;
  /** Allowed range of the next continuation byte (narrowed after E0, ED, F0, F4 leads). */
  private low = 0x80;
  private high = 0xbf;

  /** True while a code point is incomplete (the message may not end here). */
  get incomplete(): boolean {
    return this.need !== 0;
  }

  reset(): void {
    this.need = 0;
    this.low = 0x80;
    this.high = 0xbf;
  }

  /** Checks the next piece; false as soon as the bytes so far cannot be valid UTF-8. */
  write(data: Uint8Array, start = 0, end = data.length): boolean {
    let i = start;
    // Finish a code point carried over from the previous piece.
    while (this.need !== 0 && i < end) {
      if (!this.continuation(data[i]!)) return false;
      i++;
    }
    if (i === end) return true;
    if (end - i < NATIVE_THRESHOLD) return this.bytes(data, i, end);
    // Split off an incomplete code point at the end; the rest must be complete UTF-8.
    let split = end;
    const floor = Math.max(i, end - 3);
    for (let k = end - 1; k >= floor; k--) {
      const b = data[k]!;
      if ((b & 0xc0) !== 0x80) {
        if (k + sequenceLength(b) > end) split = k;
        break;
      }
    }
    // Pieces are usually whole chunks ending on a code point: check them without a view.
    if (split > i && !isUtf8(i === 0 && split === data.length ? data : data.subarray(i, split))) return false;
    return this.bytes(data, split, end);
  }

  /** Ends the message: true when no code point is left incomplete. Resets for the next message. */
  end(): boolean {
    const complete = this.need === 0;
    this.reset();
    return complete;
  }

  private bytes(data: Uint8Array, start: number, end: number): boolean {
    for (let i = start; i < end; i++) {
      const b = data[i]!;
      if (this.need !== 0) {
        if (!this.continuation(b)) return false;
      } else if (b >= 0x80 && !this.lead(b)) {
        return false;
      }
    }
    return true;
  }

  private continuation(b: number): boolean {
    if (b < this.low || b > this.high) return false;
    this.need--;
    this.low = 0x80;
    this.high = 0xbf;
    return true;
  }

  private lead(b: number): boolean {
    if (b >= 0xc2 && b <= 0xdf) {
      this.need = 1;
    } else if (b >= 0xe0 && b <= 0xef) {
      this.need = 2;
      if (b === 0xe0)
        this.low = 0xa0; // no overlong 3-byte forms
      else if (b === 0xed) this.high = 0x9f; // no surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      this.need = 3;
      if (b === 0xf0)
        this.low = 0x90; // no overlong 4-byte forms
      else if (b === 0xf4) this.high = 0x8f; // nothing above U+10FFFF
    } else {
      return false; // 0x80–0xC1 (stray continuation, overlong 2-byte lead) and 0xF5–0xFF
    }
    return true;
  }
}

/** Length of the sequence a lead byte starts; 1 for ASCII and for invalid leads (left to the validator). */
function sequenceLength(b: number): number {
  if (b >= 0xc2 && b <= 0xdf) return 2;
  if (b >= 0xe0 && b <= 0xef) return 3;
  if (b >= 0xf0 && b <= 0xf4) return 4;
  return 1;
}

/** Whole-buffer UTF-8 check (native). */
export function isValidUtf8(data: Uint8Array): boolean {
  return isUtf8(data);
}
