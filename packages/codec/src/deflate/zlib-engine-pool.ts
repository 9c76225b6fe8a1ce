import { DEFLATE_DEFAULTS } from './defaults.js';
import { ZlibEngine, type ZlibEngineConfig } from './zlib-engine.js';

/**
 * Idle zlib contexts shared by every connection, for the sides that reset their context after
 * each message anyway (no_context_takeover). Such a context holds no per-connection state
 * between messages, so 1,000 connections need only as many contexts as there are messages in
 * flight — bounded by the zlib job limiter — instead of one each.
 */
export class ZlibEnginePool {
  private readonly idle = new Map<string, ZlibEngine[]>();
  private maxIdlePerConfig: number;

  constructor(maxIdlePerConfig: number) {
    this.maxIdlePerConfig = maxIdlePerConfig;
  }

  /** An idle context with this configuration, or a new one. */
  acquire(config: ZlibEngineConfig): ZlibEngine {
    const engine = this.idle.get(configKey(config))?.pop();
    return engine ?? new ZlibEngine(config);
  }

  /** Takes a context back after its message: reset and kept, or freed when enough are idle. */
  release(engine: ZlibEngine): void {
    const key = configKey(engine.config);
    let list = this.idle.get(key);
    if (list === undefined) {
      list = [];
      this.idle.set(key, list);
    }
    if (list.length >= this.maxIdlePerConfig) {
      engine.destroy();
      return;
    }
    engine.reset();
    list.push(engine);
  }

  /** Idle contexts currently kept (all configurations). */
  get size(): number {
    let size = 0;
    for (const list of this.idle.values()) size += list.length;
    return size;
  }

  /** Changes how many idle contexts are kept per configuration; 0 frees them all. */
  setMaxIdle(maxIdlePerConfig: number): void {
    if (!Number.isInteger(maxIdlePerConfig) || maxIdlePerConfig < 0) {
      throw new RangeError(`pool size must be a non-negative integer, got ${maxIdlePerConfig}`);
    }
    this.maxIdlePerConfig = maxIdlePerConfig;
    for (const list of this.idle.values()) {
      while (list.length > maxIdlePerConfig) list.pop()!.destroy();
    }
  }
}

function configKey(config: ZlibEngineConfig): string {
  return `${config.kind}:${config.windowBits}:${config.level}:${config.memLevel}:${config.chunkSize}`;
}

/** The pool every PerMessageDeflate shares. */
export const sharedZlibEnginePool: ZlibEnginePool = new ZlibEnginePool(DEFLATE_DEFAULTS.poolSize);
