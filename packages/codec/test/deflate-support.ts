// Helpers shared by the deflate*.test.ts files (not a test file itself).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PerMessageDeflate, type PerMessageDeflateOptions } from '../src/deflate/per-message-deflate.js';
import type { ParleyError } from '../src/result.js';
import type { PerMessageDeflateParams } from '../src/types.js';

export type Outcome = { error: ParleyError | null; result: Buffer | null };

export function params(overrides: Partial<PerMessageDeflateParams> = {}): PerMessageDeflateParams {
  return {
    serverNoContextTakeover: false,
    clientNoContextTakeover: false,
    serverMaxWindowBits: 15,
    clientMaxWindowBits: 15,
    ...overrides,
  };
}

/** Creates transforms and closes them all in afterEach. */
export class TransformTracker {
  private readonly open: PerMessageDeflate[] = [];

  create(
    p: PerMessageDeflateParams = params(),
    role: 'client' | 'server' = 'server',
    options: Partial<PerMessageDeflateOptions> = {},
  ): PerMessageDeflate {
    const transform = new PerMessageDeflate(p, role, { maxPayload: 64 * 1024 * 1024, ...options });
    this.open.push(transform);
    return transform;
  }

  closeAll(): void {
    for (const transform of this.open.splice(0)) transform.close();
  }
}

export function compress(transform: PerMessageDeflate, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    transform.compress(data, (error, result) => (error ? reject(error) : resolve(result!)));
  });
}

export function decompressOutcome(transform: PerMessageDeflate, data: Buffer, fin = true): Promise<Outcome> {
  return new Promise((resolve) => {
    transform.decompress(data, fin, (error, result) => resolve({ error, result }));
  });
}

export async function decompress(
  transform: PerMessageDeflate,
  data: Buffer,
  fin = true,
): Promise<Buffer | null> {
  const { error, result } = await decompressOutcome(transform, data, fin);
  if (error) throw new Error(`${error.code}: ${error.message}`);
  return result;
}

/** Feeds a message as several fragments; resolves with the inflated message. */
export async function decompressFragments(
  transform: PerMessageDeflate,
  fragments: Buffer[],
): Promise<Buffer> {
  const outcomes = await Promise.all(
    fragments.map((fragment, i) => decompressOutcome(transform, fragment, i === fragments.length - 1)),
  );
  for (const [i, { error, result }] of outcomes.entries()) {
    if (error) throw new Error(`${error.code}: ${error.message}`);
    if (i < outcomes.length - 1 && result !== null) throw new Error(`fragment ${i} produced a result`);
  }
  return outcomes[outcomes.length - 1]!.result!;
}

/** Splits `data` at the given (sorted, deduplicated) cut points. */
export function splitAt(data: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.min(c, data.length)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let start = 0;
  for (const point of points) {
    parts.push(data.subarray(start, point));
    start = point;
  }
  parts.push(data.subarray(start));
  return parts;
}

export function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

/** ws's own permessage-deflate implementation (a dev dependency), for interop tests. */
export interface WsPerMessageDeflate {
  params: Record<string, boolean | number | undefined> | null;
  compress(data: Buffer, fin: boolean, callback: (error: Error | null, result?: Buffer) => void): void;
  decompress(data: Buffer, fin: boolean, callback: (error: Error | null, result?: Buffer) => void): void;
  cleanup(): void;
}

export function createWsPerMessageDeflate(
  isServer: boolean,
  p: PerMessageDeflateParams,
  maxPayload = 0,
): WsPerMessageDeflate {
  const require = createRequire(import.meta.url);
  // ws exports only its entry point; load the module by path.
  const wsDir = dirname(require.resolve('ws/package.json'));
  const Ctor = require(join(wsDir, 'lib', 'permessage-deflate.js')) as new (
    options: object,
  ) => WsPerMessageDeflate;
  const instance = new Ctor({ isServer, maxPayload });
  instance.params = {
    server_no_context_takeover: p.serverNoContextTakeover,
    client_no_context_takeover: p.clientNoContextTakeover,
    server_max_window_bits: p.serverMaxWindowBits,
    client_max_window_bits: p.clientMaxWindowBits,
  };
  return instance;
}

export function wsCall(
  ws: WsPerMessageDeflate,
  op: 'compress' | 'decompress',
  data: Buffer,
  fin = true,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    ws[op](data, fin, (error, result) => (error ? reject(error) : resolve(result!)));
  });
}

/** Deterministic compressible JSON of about `size` bytes. */
export function sampleJson(size: number, seed = 1): Buffer {
  let state = seed;
  const next = (): number => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  const names = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
  const items: string[] = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const item = JSON.stringify({
      id: 100000 + Math.floor(next() * 900000),
      user: names[Math.floor(next() * names.length)],
      ts: 1700000000000 + Math.floor(next() * 1e9),
      text: `message ${i} ${Math.floor(next() * 1e6).toString(36)}`,
    });
    items.push(item);
    length += item.length + 1;
  }
  return Buffer.from(`{"type":"batch","items":[${items.join(',')}]}`);
}

/** Byte equality without vitest's per-element deep comparison (slow on megabytes). */
export function sameBytes(actual: Buffer | null | undefined, expected: Buffer): string {
  if (!actual) return `no buffer, expected ${expected.length} bytes`;
  if (actual.equals(expected)) return 'same';
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  return `differs at byte ${i} (lengths ${actual.length} vs ${expected.length})`;
}
