import type { PerMessageDeflateParams } from '../types.js';
import { CompressChannel } from './compress-channel.js';
import { DecompressChannel } from './decompress-channel.js';
import { type DeflateContextBudget, sharedDeflateContextBudget } from './deflate-context-budget.js';
import { DEFLATE_DEFAULTS, MAX_WINDOW_BITS, MIN_ZLIB_WINDOW_BITS } from './defaults.js';
import type { DeflateCallback } from './zlib-channel.js';
import type { ZlibEngineConfig } from './zlib-engine.js';
import { sharedZlibEnginePool, type ZlibEnginePool } from './zlib-engine-pool.js';
import { sharedZlibLimiter, type ZlibJobLimiter } from './zlib-job-limiter.js';

export type { DeflateCallback, DeflateErrorCode } from './zlib-channel.js';

export interface PerMessageDeflateOptions {
  /** Inflated bytes per message; beyond it → 'MESSAGE_TOO_BIG' (close 1009). Infinity = no limit. */
  maxPayload: number;
  /** zlib memLevel of our deflater (1..9); default 8. */
  memLevel?: number;
  /** zlib level of our deflater (0..9); default 1. */
  level?: number;
  /** Informative; the protocol core decides whether to compress. */
  threshold?: number;
  /**
   * Upper bound for our deflater's window bits (8..15), default 15; the negotiated
   * `*_max_window_bits` for our side bounds it too. Smaller saves memory per context.
   */
  windowBits?: number;
  /**
   * Output buffer size of each zlib stream; default 16 KiB for contexts a connection keeps and
   * 64 KiB for pooled ones (sides without context takeover).
   */
  chunkSize?: number;
  /** Where jobs wait for a zlib slot; default the process-wide limiter. */
  limiter?: ZlibJobLimiter;
  /** Where contexts without context takeover are borrowed; default the process-wide pool. */
  pool?: ZlibEnginePool;
  /** Caps deflate contexts kept between messages; default the process-wide budget (128). */
  contextBudget?: DeflateContextBudget;
}

/** The zlib settings a PerMessageDeflate resolved from the negotiated params and its options. */
export interface ResolvedDeflateSettings {
  readonly deflateWindowBits: number;
  readonly deflateNoContextTakeover: boolean;
  readonly inflateWindowBits: number;
  readonly inflateNoContextTakeover: boolean;
  readonly level: number;
  readonly memLevel: number;
}

/**
 * The permessage-deflate data transform (RFC 7692) of one connection, given the negotiated
 * params. Compresses whole outgoing messages, inflates incoming ones fragment by fragment.
 * zlib contexts are created on first use and freed by `close()`; sides without context
 * takeover borrow a context from a shared pool for each message instead of keeping one, and
 * our deflater's kept context counts against a process-wide budget (see README.md).
 */
export class PerMessageDeflate {
  readonly settings: ResolvedDeflateSettings;
  private readonly compressor: CompressChannel;
  private readonly decompressor: DecompressChannel;

  constructor(params: PerMessageDeflateParams, role: 'client' | 'server', options: PerMessageDeflateOptions) {
    const maxPayload = options.maxPayload;
    if (!(maxPayload > 0)) throw new RangeError(`maxPayload must be > 0, got ${maxPayload}`);
    const level = intInRange('level', options.level ?? DEFLATE_DEFAULTS.level, 0, 9);
    const memLevel = intInRange('memLevel', options.memLevel ?? DEFLATE_DEFAULTS.memLevel, 1, 9);
    const chunkSize = (pooled: boolean): number =>
      intInRange(
        'chunkSize',
        options.chunkSize ?? (pooled ? DEFLATE_DEFAULTS.pooledChunkSize : DEFLATE_DEFAULTS.chunkSize),
        64,
        2 ** 30,
      );
    const ownBits = intInRange('windowBits', options.windowBits ?? DEFLATE_DEFAULTS.windowBits, 8, 15);
    const server = role === 'server';
    const ourBits = windowBitsParam(server ? params.serverMaxWindowBits : params.clientMaxWindowBits);
    const peerBits = windowBitsParam(server ? params.clientMaxWindowBits : params.serverMaxWindowBits);
    this.settings = {
      deflateWindowBits: zlibWindowBits(Math.min(ourBits, ownBits)),
      deflateNoContextTakeover: server ? params.serverNoContextTakeover : params.clientNoContextTakeover,
      inflateWindowBits: zlibWindowBits(peerBits),
      inflateNoContextTakeover: server ? params.clientNoContextTakeover : params.serverNoContextTakeover,
      level,
      memLevel,
    };
    const limiter = options.limiter ?? sharedZlibLimiter;
    const pool = options.pool ?? sharedZlibEnginePool;
    const deflateConfig: ZlibEngineConfig = {
      kind: 'deflate',
      windowBits: this.settings.deflateWindowBits,
      level,
      memLevel,
      chunkSize: chunkSize(this.settings.deflateNoContextTakeover),
    };
    const inflateConfig: ZlibEngineConfig = {
      kind: 'inflate',
      windowBits: this.settings.inflateWindowBits,
      level: 0,
      memLevel: 0,
      chunkSize: chunkSize(this.settings.inflateNoContextTakeover),
    };
    this.compressor = new CompressChannel(
      limiter,
      pool,
      options.contextBudget ?? sharedDeflateContextBudget,
      deflateConfig,
      this.settings.deflateNoContextTakeover,
    );
    this.decompressor = new DecompressChannel(
      limiter,
      pool,
      inflateConfig,
      this.settings.inflateNoContextTakeover,
      maxPayload,
    );
  }

  /**
   * Compresses one whole message payload (RFC 7692 §7.2.1): the result lacks the trailing
   * 00 00 ff ff; an empty payload gives the one-byte empty block 0x00. Callbacks fire in call
   * order, never synchronously. `data` must not change until the callback.
   */
  compress(data: Buffer, callback: DeflateCallback): void {
    this.compressor.enqueue(data, true, callback);
  }

  /**
   * Feeds one compressed frame payload of the current message (fragments in order). The last
   * fragment (`fin`) gets the whole inflated message; earlier ones get `(null, null)` once
   * absorbed. Over `maxPayload` → 'MESSAGE_TOO_BIG' as soon as zlib's output passes it; corrupt
   * data → 'INFLATE_FAILED'. After either, every later call fails the same way. Callbacks fire
   * in call order, never synchronously. `data` must not change until the callback.
   */
  decompress(data: Buffer, fin: boolean, callback: DeflateCallback): void {
    this.decompressor.enqueue(data, fin, callback);
  }

  /** Number of compress/decompress jobs not yet called back. */
  get pending(): number {
    return this.compressor.pending + this.decompressor.pending;
  }

  /** Bytes zlib inflated for this connection so far, counting any produced past `maxPayload`. */
  get inflatedBytes(): number {
    return this.decompressor.inflatedBytes;
  }

  /** How many zlib contexts this connection holds right now (0..2); pooled ones are not counted. */
  get contexts(): number {
    return (this.compressor.holdsContext ? 1 : 0) + (this.decompressor.holdsContext ? 1 : 0);
  }

  /** Frees the zlib contexts; pending callbacks get 'CLOSED' synchronously. Safe to call twice. */
  close(): void {
    this.compressor.close();
    this.decompressor.close();
  }
}

function intInRange(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`permessage-deflate ${name} must be an integer in ${min}..${max}, got ${value}`);
  }
  return value;
}

function windowBitsParam(bits: number): number {
  return intInRange('max_window_bits', bits, 8, MAX_WINDOW_BITS);
}

/**
 * zlib cannot deflate raw streams with an 8-bit window (Node upgrades 8 to 9). That stays
 * within an 8-bit agreement: zlib never emits a distance above window size - 262, i.e. 250 for
 * a 512-byte window. Inflating with 9 bits also accepts senders that did the same upgrade.
 */
function zlibWindowBits(bits: number): number {
  return Math.max(bits, MIN_ZLIB_WINDOW_BITS);
}
