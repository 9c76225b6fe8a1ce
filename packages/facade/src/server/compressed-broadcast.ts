import { constants, deflateRawSync } from 'node:zlib';
import { encodeFrame, Opcode, type PerMessageDeflateParams, type PreparedMessage } from '@parley/codec';

/**
 * Broadcast frames compressed ONCE for every receiver that can take them. A message deflated
 * from a fresh context is valid for a receiver only when that receiver's session resets our
 * compression context after every message (`server_no_context_takeover`): otherwise its
 * per-session deflater would later refer back to history the receiver's inflater does not
 * have in the same order. The window must also fit what the receiver allowed.
 *
 * Compression is synchronous (one deflate per broadcast instead of one per receiver), so it is
 * limited to payloads of at most `MAX_SHARED_COMPRESSION` bytes; larger ones go uncompressed.
 */
export const MAX_SHARED_COMPRESSION = 256 * 1024;

const TRAILER = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/** Whether `deflate` (a session's negotiated parameters) can take a shared compressed frame. */
export function canShareCompressed(
  deflate: PerMessageDeflateParams | null,
): deflate is PerMessageDeflateParams {
  return deflate?.serverNoContextTakeover === true;
}

/** zlib cannot deflate with an 8-bit window; RFC 7692 §7.1.2.1 lets us use 9 in its place. */
function zlibWindowBits(negotiated: number): number {
  return Math.max(9, Math.min(15, negotiated));
}

/** Lazily builds one compressed frame per window size that receivers negotiated. */
export class SharedCompression {
  private readonly byWindow = new Map<number, PreparedMessage | null>();

  constructor(
    private readonly payload: Buffer,
    private readonly binary: boolean,
    private readonly memLevel: number,
  ) {}

  /** The compressed message for a receiver with these parameters, or null to send uncompressed. */
  forReceiver(deflate: PerMessageDeflateParams): PreparedMessage | null {
    const bits = zlibWindowBits(deflate.serverMaxWindowBits);
    let prepared = this.byWindow.get(bits);
    if (prepared === undefined) {
      prepared = this.compress(bits);
      this.byWindow.set(bits, prepared);
    }
    return prepared;
  }

  private compress(windowBits: number): PreparedMessage | null {
    const deflated = deflateRawSync(this.payload, {
      windowBits,
      memLevel: this.memLevel,
      finishFlush: constants.Z_SYNC_FLUSH,
    });
    const ends = deflated.length >= 4 && deflated.subarray(deflated.length - 4).equals(TRAILER);
    const body = ends ? deflated.subarray(0, deflated.length - 4) : deflated;
    if (body.length >= this.payload.length) return null; // did not shrink: not worth the receiver's inflate
    const frame = encodeFrame(this.binary ? Opcode.Binary : Opcode.Text, body, { rsv1: true });
    return {
      binary: this.binary,
      payload: this.payload,
      frames: [frame],
      payloadSize: this.payload.length,
      wireSize: frame.length,
    };
  }
}
