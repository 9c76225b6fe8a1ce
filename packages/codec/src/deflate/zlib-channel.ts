import { type ParleyError, parleyError } from '../result.js';
import type { LimitedZlibJob, ZlibJobLimiter } from './zlib-job-limiter.js';

export type DeflateErrorCode = 'MESSAGE_TOO_BIG' | 'INFLATE_FAILED' | 'DEFLATE_FAILED' | 'CLOSED';

export type DeflateCallback = (error: ParleyError<DeflateErrorCode> | null, result: Buffer | null) => void;

export interface ZlibChannelJob {
  readonly data: Buffer;
  readonly fin: boolean;
  readonly callback: DeflateCallback;
}

/**
 * One direction (compress or decompress) of one connection: a first-in first-out queue of
 * jobs that run one at a time through the process-wide limiter, so callbacks fire in call
 * order and one connection holds at most one limiter slot per direction. Callbacks are never
 * called synchronously from `enqueue()`.
 */
export abstract class ZlibChannel implements LimitedZlibJob {
  /** Queued jobs from `head` on; slots before `head` were called back (cleared for GC). */
  private readonly jobs: (ZlibChannelJob | undefined)[] = [];
  private head = 0;
  /** In the limiter's queue or holding a slot. */
  private scheduled = false;
  /** Holds a limiter slot and has a job in zlib. */
  private running = false;
  private closed = false;
  /** Set once no job can succeed any more (closed, or a failure that lost the context). */
  private terminalError: ParleyError<DeflateErrorCode> | null = null;
  private readonly limiter: ZlibJobLimiter;

  constructor(limiter: ZlibJobLimiter) {
    this.limiter = limiter;
  }

  /** Jobs not yet called back. */
  get pending(): number {
    return this.jobs.length - this.head;
  }

  enqueue(data: Buffer, fin: boolean, callback: DeflateCallback): void {
    const terminalError = this.terminalError;
    if (terminalError !== null) {
      queueMicrotask(() => callback(terminalError, null));
      return;
    }
    this.jobs.push({ data, fin, callback });
    if (!this.scheduled) {
      this.scheduled = true;
      this.limiter.schedule(this);
    }
  }

  /** Called by the limiter when this channel may run its next job. */
  runZlibJob(): void {
    if (this.closed || this.pending === 0) {
      this.scheduled = false;
      this.limiter.release();
      return;
    }
    this.running = true;
    this.start(this.jobs[this.head]!);
  }

  /** Fails every pending job with 'CLOSED' (synchronously, in order) and frees zlib contexts. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const error = closedError();
    this.terminalError = error;
    this.abandon();
    if (this.running) {
      this.running = false;
      this.limiter.release();
    }
    this.flush(error);
  }

  /** Starts `job` in zlib; must end with exactly one `complete()` or `failAll()`. */
  protected abstract start(job: ZlibChannelJob): void;

  /** Frees the zlib context(s) of this channel; a job in flight is abandoned. */
  protected abstract abandon(): void;

  /** The job passed to `start()` is done: frees the slot, starts the next, then calls back. */
  protected complete(error: ParleyError<DeflateErrorCode> | null, result: Buffer | null): void {
    const job = this.takeCurrent();
    if (this.pending > 0) {
      this.limiter.schedule(this);
    } else {
      this.scheduled = false;
    }
    job.callback(error, result);
  }

  /** The job passed to `start()` failed and no later job can succeed: fails them all, in order. */
  protected failAll(error: ParleyError<DeflateErrorCode>): void {
    const job = this.takeCurrent();
    this.scheduled = false;
    this.terminalError = error;
    const later = this.takeAll();
    job.callback(error, null);
    for (const next of later) next.callback(error, null);
  }

  private takeCurrent(): ZlibChannelJob {
    const job = this.jobs[this.head]!;
    this.jobs[this.head] = undefined;
    this.head++;
    if (this.head === this.jobs.length) {
      this.jobs.length = 0;
      this.head = 0;
    }
    this.running = false;
    this.limiter.release();
    return job;
  }

  private flush(error: ParleyError<DeflateErrorCode>): void {
    for (const job of this.takeAll()) job.callback(error, null);
  }

  private takeAll(): ZlibChannelJob[] {
    const jobs = this.jobs.slice(this.head) as ZlibChannelJob[];
    this.jobs.length = 0;
    this.head = 0;
    return jobs;
  }
}

function closedError(): ParleyError<DeflateErrorCode> {
  return parleyError('CLOSED', 'permessage-deflate transform closed');
}
