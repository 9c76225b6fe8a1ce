import { parleyError } from '../result.js';
import { DEFLATE_TRAILER, EMPTY_DEFLATE_BLOCK } from './defaults.js';
import type { DeflateContextBudget, DeflateContextHolder } from './deflate-context-budget.js';
import { ZlibChannel, type ZlibChannelJob } from './zlib-channel.js';
import type { ZlibEngine, ZlibEngineClient, ZlibEngineConfig } from './zlib-engine.js';
import type { ZlibEnginePool } from './zlib-engine-pool.js';
import type { ZlibJobLimiter } from './zlib-job-limiter.js';

/**
 * Our sending side: compresses whole messages (RFC 7692 §7.2.1). With context takeover the
 * connection keeps a deflater between messages, obtained from the process-wide context budget
 * on first use, which may take it back while the connection is idle; without context
 * takeover a deflater is borrowed from the shared pool for each message and returned reset.
 */
export class CompressChannel extends ZlibChannel implements ZlibEngineClient, DeflateContextHolder {
  private engine: ZlibEngine | null = null;
  private busy = false;
  private readonly config: ZlibEngineConfig;
  private readonly noContextTakeover: boolean;
  private readonly pool: ZlibEnginePool;
  private readonly budget: DeflateContextBudget;
  private output: Buffer[] = [];
  private outputSize = 0;

  constructor(
    limiter: ZlibJobLimiter,
    pool: ZlibEnginePool,
    budget: DeflateContextBudget,
    config: ZlibEngineConfig,
    noContextTakeover: boolean,
  ) {
    super(limiter);
    this.config = config;
    this.noContextTakeover = noContextTakeover;
    this.pool = pool;
    this.budget = budget;
  }

  /** True while this connection holds a deflate context. */
  get holdsContext(): boolean {
    return this.engine !== null;
  }

  surrenderContext(): ZlibEngine | null {
    if (this.busy) return null;
    const engine = this.engine;
    this.engine = null;
    return engine;
  }

  protected start(job: ZlibChannelJob): void {
    let engine = this.engine;
    if (this.noContextTakeover) {
      engine = this.pool.acquire(this.config);
    } else if (engine === null) {
      engine = this.budget.obtain(this, this.config);
    } else {
      this.budget.touch(this);
    }
    this.engine = engine;
    this.busy = true;
    engine.process(job.data, this);
  }

  protected abandon(): void {
    this.budget.forget(this);
    this.engine?.destroy();
    this.engine = null;
    this.busy = false;
    this.output = [];
    this.outputSize = 0;
  }

  zlibOutput(chunk: Buffer): boolean {
    this.output.push(chunk);
    this.outputSize += chunk.length;
    return true;
  }

  zlibDone(error: Error | null): void {
    const engine = this.engine!;
    this.busy = false;
    const output = this.output;
    const size = this.outputSize;
    this.output = [];
    this.outputSize = 0;
    if (error !== null) {
      // Dropping the context is safe: the next message starts a fresh window, which any
      // receiver accepts (it never has to reference earlier messages).
      this.engine = null;
      this.budget.forget(this);
      this.complete(parleyError('DEFLATE_FAILED', `deflate failed: ${error.message}`, error), null);
      return;
    }
    if (this.noContextTakeover) {
      this.engine = null;
      this.pool.release(engine);
    }
    this.complete(null, stripTrailer(output, size));
  }
}

/** Joins the output and removes the 00 00 ff ff that Z_SYNC_FLUSH ends with (§7.2.1). */
function stripTrailer(output: Buffer[], size: number): Buffer {
  const whole = output.length === 1 ? output[0]! : Buffer.concat(output, size);
  const trailerAt = whole.length - DEFLATE_TRAILER.length;
  const end = trailerAt >= 0 && DEFLATE_TRAILER.compare(whole, trailerAt) === 0 ? trailerAt : whole.length;
  // zlib emits nothing for an empty message when nothing was written since the last flush
  // (context takeover): send the empty stored block start of §7.2.3.6 instead.
  return end === 0 ? EMPTY_DEFLATE_BLOCK : whole.subarray(0, end);
}
