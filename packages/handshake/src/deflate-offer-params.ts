import type { ExtensionParam } from './extensions-header.js';

/** The extension token of RFC 7692. */
export const PERMESSAGE_DEFLATE = 'permessage-deflate';

/** The four RFC 7692 §7.1 parameters of one offer or response, after validation. */
export interface DeflateParamSet {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  /** undefined when absent. */
  serverMaxWindowBits: number | undefined;
  /** undefined when absent; `true` when present without a value (allowed in offers only). */
  clientMaxWindowBits: number | true | undefined;
}

/**
 * Window bits as RFC 7692 §7.1.2 writes them: a decimal integer 8..15 without leading zeros.
 * Returns undefined for anything else ("08", "16", "1e1", "").
 */
export function parseWindowBits(value: string): number | undefined {
  if (value.length === 1) {
    const c = value.charCodeAt(0);
    return c === 0x38 || c === 0x39 ? c - 0x30 : undefined;
  }
  if (value.length === 2 && value.charCodeAt(0) === 0x31) {
    const c = value.charCodeAt(1);
    return c >= 0x30 && c <= 0x35 ? 10 + c - 0x30 : undefined;
  }
  return undefined;
}

export function isWindowBits(value: unknown, min = 8): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= 15;
}

/**
 * Validates the parameters of one permessage-deflate element. `role` is 'offer' for what a
 * client sent and 'response' for what a server answered (where client_max_window_bits needs
 * a value). Returns a reason string when the element breaks RFC 7692 §7.1: an unknown
 * parameter, a repeated parameter, a value where none is allowed, or an invalid value.
 */
export function readDeflateParams(
  params: readonly ExtensionParam[],
  role: 'offer' | 'response',
): DeflateParamSet | string {
  const set: DeflateParamSet = {
    serverNoContextTakeover: false,
    clientNoContextTakeover: false,
    serverMaxWindowBits: undefined,
    clientMaxWindowBits: undefined,
  };
  let seen = 0;
  for (const { name, value } of params) {
    const bit = PARAM_BITS[name];
    if (bit === undefined) return `unknown parameter ${name}`;
    if ((seen & bit) !== 0) return `parameter ${name} is repeated`;
    seen |= bit;
    if (bit === SERVER_NCT || bit === CLIENT_NCT) {
      if (value !== null) return `parameter ${name} takes no value`;
      if (bit === SERVER_NCT) set.serverNoContextTakeover = true;
      else set.clientNoContextTakeover = true;
      continue;
    }
    if (value === null) {
      if (bit === CLIENT_BITS && role === 'offer') {
        set.clientMaxWindowBits = true;
        continue;
      }
      return `parameter ${name} needs a value`;
    }
    const bits = parseWindowBits(value);
    if (bits === undefined) return `parameter ${name}=${value} is not 8..15`;
    if (bit === SERVER_BITS) set.serverMaxWindowBits = bits;
    else set.clientMaxWindowBits = bits;
  }
  return set;
}

const SERVER_NCT = 1;
const CLIENT_NCT = 2;
const SERVER_BITS = 4;
const CLIENT_BITS = 8;

const PARAM_BITS: Readonly<Record<string, number>> = Object.assign(Object.create(null), {
  server_no_context_takeover: SERVER_NCT,
  client_no_context_takeover: CLIENT_NCT,
  server_max_window_bits: SERVER_BITS,
  client_max_window_bits: CLIENT_BITS,
});
