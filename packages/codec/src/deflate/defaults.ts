/**
 * Defaults of the permessage-deflate transform, in one place. README.md in this folder has
 * the table with the measurements behind each number.
 */
export const DEFLATE_DEFAULTS = {
  /**
   * zlib level of our deflater. Level 1 compresses 16 KiB JSON to ~22 % (level 6: ~20 %) at
   * roughly half the CPU, and CPU is what limits a busy server's message rate.
   */
  level: 1,
  /**
   * zlib memLevel of our deflater. 8 is zlib's own default; 9 costs +64 KiB per context and
   * lower values saved no measurable RSS with the zlib bundled in Node 20.
   */
  memLevel: 8,
  /**
   * Upper bound for our deflater's window (the negotiated `*_max_window_bits` bounds it too).
   * The window dominates zlib's memory — about 229 KiB RSS per context at 15 bits, 166 KiB at
   * 14, 134 KiB at 13 — but only a window larger than a message lets a repeated message
   * compress to a few bytes. Memory is bounded by `contextBudget` instead.
   */
  windowBits: 15,
  /**
   * Output buffer of a zlib stream a connection keeps (Node's default). Node fills one buffer
   * across jobs and calls zlib once more each time it runs full, so a bigger buffer saves
   * thread-pool round trips but is memory the connection keeps.
   */
  chunkSize: 16 * 1024,
  /**
   * Output buffer of pooled streams (sides without context takeover): not per connection, so
   * large enough that a typical message takes one zlib call (e.g. 6 of 10.8 KiB messages
   * inflate into one buffer instead of 1.5 per 16 KiB buffer).
   */
  pooledChunkSize: 64 * 1024,
  /**
   * Zlib jobs that may run at once in the whole process (like ws's limit of 10): more would
   * only queue inside libuv's 4-thread pool and hold every queued buffer meanwhile.
   */
  concurrency: 10,
  /** Idle zlib contexts kept per configuration for sides without context takeover. */
  poolSize: 10,
  /**
   * Deflate contexts that connections may keep between messages (context takeover), process
   * wide: at most ~29 MiB with 15-bit windows. Past it, idle connections lose theirs (they
   * compress their next message from a fresh window, which every receiver accepts).
   */
  contextBudget: 128,
} as const;

/** zlib refuses raw deflate with an 8-bit window; Node silently upgrades it to 9. */
export const MIN_ZLIB_WINDOW_BITS = 9;
export const MAX_WINDOW_BITS = 15;

/** RFC 7692 §7.2.1: the empty stored block that Z_SYNC_FLUSH ends with, removed on the wire. */
export const DEFLATE_TRAILER: Buffer = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/** RFC 7692 §7.2.3.6: what an empty message compresses to (the start of an empty stored block). */
export const EMPTY_DEFLATE_BLOCK: Buffer = Buffer.from([0x00]);
