import type { ParleyError } from './result.js';
import type { PerMessageDeflateParams, Role } from './types.js';

/** Callback shape of the permessage-deflate data transform (src/deflate/per-message-deflate.ts). */
export type DeflateCallback = (error: ParleyError | null, result: Buffer | null) => void;

/**
 * What the protocol core needs from the permessage-deflate transform. `PerMessageDeflate`
 * implements it; the protocol only depends on this shape (callbacks fire in call order).
 */
export interface DeflateTransform {
  compress(data: Buffer, callback: DeflateCallback): void;
  decompress(data: Buffer, fin: boolean, callback: DeflateCallback): void;
  readonly pending: number;
  close(): void;
}

export interface DeflateTransformOptions {
  maxPayload: number;
  memLevel?: number;
  threshold?: number;
}

export type DeflateFactory = (
  params: PerMessageDeflateParams,
  role: Role,
  options: DeflateTransformOptions,
) => DeflateTransform;
