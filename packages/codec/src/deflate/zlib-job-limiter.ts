import { DEFLATE_DEFAULTS } from './defaults.js';

/** Something that runs one zlib job when the limiter lets it, then calls `release()` once. */
export interface LimitedZlibJob {
  runZlibJob(): void;
}

/**
 * A process-wide bound on zlib jobs in flight. Node runs zlib on libuv's small thread pool
 * (4 threads by default); 1,000 connections each starting a job at once would queue 1,000
 * jobs there, holding every input buffer. Jobs wait here instead, first in first out, and a
 * connection re-queues at the tail after each job, so one busy connection cannot starve the
 * others.
 */
export class ZlibJobLimiter {
  private concurrency: number;
  private active = 0;
  private readonly waiting: LimitedZlibJob[] = [];
  private head = 0;
  private draining = false;

  constructor(concurrency: number) {
    this.concurrency = checkConcurrency(concurrency);
  }

  /** Jobs running now. */
  get running(): number {
    return this.active;
  }

  /** Jobs waiting for a slot. */
  get queued(): number {
    return this.waiting.length - this.head;
  }

  get limit(): number {
    return this.concurrency;
  }

  setLimit(concurrency: number): void {
    this.concurrency = checkConcurrency(concurrency);
    this.drain();
  }

  /** Runs the job now when a slot is free (synchronously), otherwise queues it. */
  schedule(job: LimitedZlibJob): void {
    this.waiting.push(job);
    this.drain();
  }

  /** A job finished (or was abandoned): frees its slot and starts the next waiting job. */
  release(): void {
    if (this.active === 0) throw new Error('ZlibJobLimiter.release() without a running job');
    this.active--;
    this.drain();
  }

  private drain(): void {
    // A job may release synchronously from runZlibJob(); the flag turns that re-entry
    // into another turn of this loop instead of recursion.
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.active < this.concurrency && this.head < this.waiting.length) {
        const job = this.waiting[this.head]!;
        this.head++;
        this.active++;
        job.runZlibJob();
      }
      if (this.head === this.waiting.length) {
        this.waiting.length = 0;
        this.head = 0;
      } else if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
    } finally {
      this.draining = false;
    }
  }
}

function checkConcurrency(concurrency: number): number {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`zlib concurrency must be a positive integer, got ${concurrency}`);
  }
  return concurrency;
}

/** The limiter every PerMessageDeflate shares: libuv's thread pool is per process. */
export const sharedZlibLimiter: ZlibJobLimiter = new ZlibJobLimiter(DEFLATE_DEFAULTS.concurrency);

/** Changes how many zlib jobs may run at once in this process (default 10). */
export function setZlibConcurrency(concurrency: number): void {
  sharedZlibLimiter.setLimit(concurrency);
}
