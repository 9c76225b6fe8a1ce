import { constants, createDeflateRaw, createInflateRaw, type DeflateRaw, type InflateRaw } from 'node:zlib';

export interface ZlibEngineConfig {
  readonly kind: 'deflate' | 'inflate';
  /** 9..15 (zlib cannot do raw deflate with 8; see README.md). */
  readonly windowBits: number;
  /** Deflate only. */
  readonly level: number;
  /** Deflate only. */
  readonly memLevel: number;
  readonly chunkSize: number;
}

/** Passed to `zlibDone` when the client aborted the job from `zlibOutput`. */
export const ZLIB_JOB_ABORTED: Error = new Error('zlib job aborted by its client');

/** Receives the output of one job. */
export interface ZlibEngineClient {
  /**
   * One piece of output, in order. Return false to abort the job: the engine is destroyed and
   * `zlibDone(ZLIB_JOB_ABORTED)` follows at once.
   */
  zlibOutput(chunk: Buffer): boolean;
  /** The job finished: all its input was processed, or zlib failed (`error`). */
  zlibDone(error: Error | null): void;
}

/**
 * One raw zlib stream (one compression context) that runs one job at a time: `process(input)`
 * feeds the input with Z_SYNC_FLUSH, so the output of each job is complete and byte aligned.
 * The listeners are bound once; the current job's client gets the output.
 */
export class ZlibEngine {
  readonly config: ZlibEngineConfig;
  private readonly stream: DeflateRaw | InflateRaw;
  private client: ZlibEngineClient | null = null;
  private inputLength = 0;
  private consumedBefore = 0;
  private destroyed = false;
  /**
   * Inflate only: the stream reached the end of a block with BFINAL set (RFC 7692 §7.2.3.4).
   * zlib ignores anything after it, so the engine must be replaced before the next message.
   */
  finished = false;

  constructor(config: ZlibEngineConfig) {
    this.config = config;
    const flush = constants.Z_SYNC_FLUSH;
    this.stream =
      config.kind === 'deflate'
        ? createDeflateRaw({
            windowBits: config.windowBits,
            level: config.level,
            memLevel: config.memLevel,
            chunkSize: config.chunkSize,
            flush,
          })
        : createInflateRaw({ windowBits: config.windowBits, chunkSize: config.chunkSize, flush });
    this.stream.on('data', this.onData);
    this.stream.on('error', this.onError);
  }

  /** Feeds `input` as one job; output goes to `client`, then `client.zlibDone()`. */
  process(input: Buffer, client: ZlibEngineClient): void {
    if (this.client !== null) throw new Error('ZlibEngine.process() while a job is running');
    if (this.destroyed) throw new Error('ZlibEngine.process() after destroy()');
    this.client = client;
    this.inputLength = input.length;
    this.consumedBefore = this.stream.bytesWritten;
    this.stream.write(input, this.onWritten);
  }

  /** Back to a fresh context (no history): zlib's deflateReset/inflateReset. */
  reset(): void {
    this.stream.reset();
    this.finished = false;
  }

  /** Frees the zlib context. A running job is abandoned without a callback. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.client = null;
    this.stream.destroy();
  }

  private readonly onData = (chunk: Buffer): void => {
    const client = this.client;
    if (client === null || client.zlibOutput(chunk)) return;
    // The client refused more output (a decompression bomb): stop zlib right here.
    this.destroy();
    client.zlibDone(ZLIB_JOB_ABORTED);
  };

  private readonly onWritten = (error?: Error | null): void => {
    const client = this.client;
    // A failed write also emits 'error' on the stream, which fails the job (onError).
    if (client === null || error) return;
    this.client = null;
    // zlib stops consuming input at the end of a BFINAL block; whatever it left is ignored.
    if (this.stream.bytesWritten - this.consumedBefore < this.inputLength) this.finished = true;
    client.zlibDone(null);
  };

  private readonly onError = (error: Error): void => {
    this.fail(error);
  };

  private fail(error: Error): void {
    const client = this.client;
    this.destroy();
    client?.zlibDone(error);
  }
}
