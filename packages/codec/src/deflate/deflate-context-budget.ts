import { DEFLATE_DEFAULTS } from './defaults.js';
import { ZlibEngine, type ZlibEngineConfig } from './zlib-engine.js';

/** A connection's compressor that may keep a deflate context between messages. */
export interface DeflateContextHolder {
  /** Gives up the context when no job is using it (returns it), otherwise returns null. */
  surrenderContext(): ZlibEngine | null;
}

/**
 * A process-wide cap on deflate contexts kept between messages (context takeover). A sender
 * may start a fresh LZ77 window at any message boundary — the receiver never needs to know —
 * so when the cap is reached, the least recently used idle connection loses its context and
 * the connection that needs one gets it, reset. Busy connections keep the compression benefit
 * of context takeover; idle ones cost no zlib memory; memory stays bounded by the cap
 * (about 230 KiB per context with a 15-bit window) however many connections are open.
 */
export class DeflateContextBudget {
  /** Holders in least-recently-used-first order (Map keeps insertion order). */
  private readonly holders = new Map<DeflateContextHolder, true>();
  private max: number;

  constructor(maxContexts: number) {
    this.max = checkMax(maxContexts);
  }

  /** Contexts currently kept by connections. */
  get size(): number {
    return this.holders.size;
  }

  get limit(): number {
    return this.max;
  }

  /** Changes the cap; contexts above it are taken back from idle holders at once. */
  setLimit(maxContexts: number): void {
    this.max = checkMax(maxContexts);
    while (this.holders.size > this.max) {
      const engine = this.takeFromIdle();
      if (engine === null) break;
      engine.destroy();
    }
  }

  /**
   * A context for `holder`, which has none: a new one while under the cap, otherwise the
   * reset context of the least recently used idle holder. When every holder is busy the cap
   * is exceeded briefly rather than stalling (at most the zlib job limit are busy at once).
   */
  obtain(holder: DeflateContextHolder, config: ZlibEngineConfig): ZlibEngine {
    let engine: ZlibEngine | null = null;
    if (this.holders.size >= this.max) {
      const taken = this.takeFromIdle();
      if (taken !== null && sameConfig(taken.config, config)) {
        taken.reset();
        engine = taken;
      } else {
        taken?.destroy();
      }
    }
    this.holders.set(holder, true);
    return engine ?? new ZlibEngine(config);
  }

  /** `holder` used its context again: it becomes the most recently used. */
  touch(holder: DeflateContextHolder): void {
    this.holders.delete(holder);
    this.holders.set(holder, true);
  }

  /** `holder` no longer has a context (closed, or dropped it after an error). */
  forget(holder: DeflateContextHolder): void {
    this.holders.delete(holder);
  }

  private takeFromIdle(): ZlibEngine | null {
    // Busy holders are at most the zlib job limit, so this scan stays short. (A holder asking
    // for a context has none, so it is not in the map.)
    for (const victim of this.holders.keys()) {
      const engine = victim.surrenderContext();
      if (engine !== null) {
        this.holders.delete(victim);
        return engine;
      }
    }
    return null;
  }
}

function sameConfig(a: ZlibEngineConfig, b: ZlibEngineConfig): boolean {
  return (
    a.kind === b.kind &&
    a.windowBits === b.windowBits &&
    a.level === b.level &&
    a.memLevel === b.memLevel &&
    a.chunkSize === b.chunkSize
  );
}

function checkMax(maxContexts: number): number {
  if (!Number.isInteger(maxContexts) || maxContexts < 1) {
    throw new RangeError(`deflate context budget must be a positive integer, got ${maxContexts}`);
  }
  return maxContexts;
}

/** The budget every PerMessageDeflate shares. */
export const sharedDeflateContextBudget: DeflateContextBudget = new DeflateContextBudget(
  DEFLATE_DEFAULTS.contextBudget,
);

/** Changes how many deflate contexts connections may keep between messages (default 128). */
export function setDeflateContextBudget(maxContexts: number): void {
  sharedDeflateContextBudget.setLimit(maxContexts);
}
