import type { ProtocolOptions, Role } from './types.js';

/**
 * Defaults for every protocol option, in one place. The reasons are in README.md
 * ("Defaults"): 100 MiB matches what Node users know from `ws`; 100 000 fragments leave room
 * for Autobahn's 4 MiB-in-64-byte-fragments cases (65 536 frames) while bounding per-message
 * bookkeeping; 1 KiB is where deflate starts paying for its CPU on typical JSON.
 */
export const PROTOCOL_DEFAULTS = {
  maxPayload: 100 * 1024 * 1024,
  maxFragments: 100_000,
  fragmentSize: 0,
  deflate: null,
  deflateThreshold: 1024,
  autoPong: true,
} as const;

/** Options objects this function returned (frozen): passing one again reuses it as it is. */
const resolved = new WeakSet<object>();

/**
 * Fills in defaults and bounds every field. The result is frozen and may be shared: a server
 * resolves its options once and hands the same object to every connection, which then keeps
 * no copy of its own.
 */
export function resolveProtocolOptions(options: Partial<ProtocolOptions> & { role: Role }): ProtocolOptions {
  if (resolved.has(options)) return options as ProtocolOptions;
  const result: ProtocolOptions = Object.freeze({
    role: options.role,
    maxPayload: positiveOr(options.maxPayload, PROTOCOL_DEFAULTS.maxPayload),
    maxFragments: positiveOr(options.maxFragments, PROTOCOL_DEFAULTS.maxFragments),
    fragmentSize: nonNegativeOr(options.fragmentSize, PROTOCOL_DEFAULTS.fragmentSize),
    deflate: options.deflate ?? null,
    deflateThreshold: nonNegativeOr(options.deflateThreshold, PROTOCOL_DEFAULTS.deflateThreshold),
    deflateMemLevel: validMemLevel(options.deflateMemLevel),
    autoPong: options.autoPong ?? PROTOCOL_DEFAULTS.autoPong,
  });
  resolved.add(result);
  return result;
}

function positiveOr(value: number | undefined, fallback: number): number {
  return value !== undefined && value > 0 ? Math.floor(value) : fallback;
}

function nonNegativeOr(value: number | undefined, fallback: number): number {
  return value !== undefined && value >= 0 ? Math.floor(value) : fallback;
}

/** zlib accepts memLevel 1..9; anything else falls back to the deflate transform's default. */
function validMemLevel(value: number | undefined): number | undefined {
  return value !== undefined && Number.isInteger(value) && value >= 1 && value <= 9 ? value : undefined;
}
