import { type ParleyError, parleyError } from '../result.js';
import { DEFLATE_TRAILER } from './defaults.js';
import { type DeflateErrorCode, ZlibChannel, type ZlibChannelJob } from './zlib-channel.js';
import { ZlibEngine, type ZlibEngineClient, type ZlibEngineConfig } from './zlib-engine.js';
import type { ZlibEnginePool } from './zlib-engine-pool.js';
import type { ZlibJobLimiter } from './zlib-job-limiter.js';

/**
 * The peer's sending side: inflates messages fragment by fragment (RFC 7692 §7.2.2) and
 * enforces `maxPayload` on the inflated size while zlib produces it, so a compression bomb
 * stops after at most one output chunk past the limit. Any failure loses the inflate context,
 * so it fails every later job too (the connection must be failed anyway).
 */
export class DecompressChannel extends ZlibChannel implements ZlibEngineClient {
  private engine: ZlibEngine | null = null;
  private readonly config: ZlibEngineConfig;
  private readonly noContextTakeover: boolean;
  private readonly pool: ZlibEnginePool;
  private readonly maxPayload: number;
  private current: ZlibChannelJob | null = null;
  private message: Buffer[] = [];
  private messageSize = 0;
  private tooBig = false;
  /** Bytes zlib produced for this connection, including any past the limit. */
  inflatedBytes = 0;

  constructor(
    limiter: ZlibJobLimiter,
    pool: ZlibEnginePool,
    config: ZlibEngineConfig,
    noContextTakeover: boolean,
    maxPayload: number,
  ) {
    super(limiter);
    this.config = config;
    this.noContextTakeover = noContextTakeover;
    this.pool = pool;
    this.maxPayload = maxPayload;
  }

  /** True while this connection holds an inflate context. */
  get holdsContext(): boolean {
    return this.engine !== null;
  }

  protected start(job: ZlibChannelJob): void {
    let engine = this.engine;
    if (engine === null) {
      engine = this.noContextTakeover ? this.pool.acquire(this.config) : new ZlibEngine(this.config);
      this.engine = engine;
    }
    this.current = job;
    // §7.2.2: append 00 00 ff ff to the last fragment; one write keeps it one zlib job.
    const input = job.fin
      ? job.data.length === 0
        ? DEFLATE_TRAILER
        : Buffer.concat([job.data, DEFLATE_TRAILER], job.data.length + DEFLATE_TRAILER.length)
      : job.data;
    engine.process(input, this);
  }

  protected abandon(): void {
    this.engine?.destroy();
    this.engine = null;
    this.current = null;
    this.message = [];
    this.messageSize = 0;
  }

  zlibOutput(chunk: Buffer): boolean {
    this.inflatedBytes += chunk.length;
    this.messageSize += chunk.length;
    if (this.messageSize > this.maxPayload) {
      this.tooBig = true;
      return false;
    }
    this.message.push(chunk);
    return true;
  }

  zlibDone(error: Error | null): void {
    const job = this.current!;
    this.current = null;
    if (this.tooBig) {
      // zlib was stopped by zlibOutput() (error is ZLIB_JOB_ABORTED): nothing else to report.
      this.fail(
        parleyError('MESSAGE_TOO_BIG', `inflated message exceeds maxPayload (${this.maxPayload} bytes)`),
      );
      return;
    }
    if (error !== null) {
      this.fail(parleyError('INFLATE_FAILED', `invalid compressed data: ${error.message}`, error));
      return;
    }
    if (!job.fin) {
      this.complete(null, null);
      return;
    }
    const engine = this.engine!;
    const result = joinMessage(this.message, this.messageSize);
    this.message = [];
    this.messageSize = 0;
    if (engine.finished) {
      // The peer ended its deflate stream (BFINAL, §7.2.3.4): the next message starts a new one.
      this.engine = null;
      engine.destroy();
    } else if (this.noContextTakeover) {
      this.engine = null;
      this.pool.release(engine);
    }
    this.complete(null, result);
  }

  private fail(error: ParleyError<DeflateErrorCode>): void {
    this.engine?.destroy();
    this.engine = null;
    this.message = [];
    this.messageSize = 0;
    this.failAll(error);
  }
}

function joinMessage(parts: Buffer[], size: number): Buffer {
  if (parts.length === 1) return parts[0]!;
  return parts.length === 0 ? Buffer.alloc(0) : Buffer.concat(parts, size);
}
