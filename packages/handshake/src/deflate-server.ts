import { err, ok, type Result } from '@parley/codec/result';
import type { PerMessageDeflateParams } from './deflate-params.js';
import { isWindowBits, PERMESSAGE_DEFLATE, readDeflateParams } from './deflate-offer-params.js';
import { type HandshakeRejection, rejection } from './errors.js';
import type { ExtensionOffer } from './extensions-header.js';

/** What a server is willing to agree to for permessage-deflate. */
export interface PerMessageDeflateServerOptions {
  /** Always reset our compression context after each message (saves memory). Default false. */
  serverNoContextTakeover?: boolean;
  /** Ask the client to reset its compression context after each message. Default false. */
  clientNoContextTakeover?: boolean;
  /**
   * Largest LZ77 window we compress with, 8..15. Default 15. (zlib deflates with at least 9,
   * but never reaches back further than 250 bytes at 9, so an 8-bit agreement holds.)
   * Sent as server_max_window_bits only when the client offered that parameter.
   */
  serverMaxWindowBits?: number;
  /**
   * Largest window the client may compress with, 8..15. When set below 15, offers without
   * client_max_window_bits are declined (the client could not be told). Default: no limit.
   */
  clientMaxWindowBits?: number;
  /** Passed through to the codec (compress only payloads of at least this size); not negotiated. */
  threshold?: number;
}

export interface PerMessageDeflateAgreement {
  params: PerMessageDeflateParams;
  /** The `Sec-WebSocket-Extensions` element to send back. */
  responseHeader: string;
}

/**
 * RFC 7692 §5 and §7.1: walks the client's offers in order and accepts the first
 * permessage-deflate offer the server can honour. Offers with unknown, repeated or invalid
 * parameters are declined (§5: the server MUST decline, not fail), as are offers the
 * options cannot meet; declining all offers is `ok(null)` (no compression). A malformed
 * header is rejected earlier, by `parseExtensionsHeader` / `validateUpgradeRequest` (400).
 * Invalid `options` are a configuration bug: `err` with status 500.
 */
export function negotiatePerMessageDeflate(
  offers: readonly ExtensionOffer[],
  options: PerMessageDeflateServerOptions | false,
): Result<PerMessageDeflateAgreement | null, HandshakeRejection> {
  if (options === false) return ok(null);
  const optionError = checkOptions(options);
  if (optionError !== undefined) {
    return err(rejection(500, 'INVALID_OPTIONS', `permessage-deflate options: ${optionError}`));
  }
  for (const offer of offers) {
    if (offer.name !== PERMESSAGE_DEFLATE) continue;
    const agreement = acceptOffer(offer, options);
    if (agreement !== null) return ok(agreement);
  }
  return ok(null);
}

function acceptOffer(
  offer: ExtensionOffer,
  options: PerMessageDeflateServerOptions,
): PerMessageDeflateAgreement | null {
  const offered = readDeflateParams(offer.params, 'offer');
  if (typeof offered === 'string') return null;

  // 8 is honoured too: zlib deflates with a 9-bit window at least, but its distances stay
  // within window size - 262 = 250 bytes there, which an 8-bit (256-byte) inflater decodes.
  const serverMaxWindowBits = Math.min(options.serverMaxWindowBits ?? 15, offered.serverMaxWindowBits ?? 15);

  const clientLimit = options.clientMaxWindowBits;
  let clientMaxWindowBits = 15;
  let sendClientBits = false;
  if (offered.clientMaxWindowBits === undefined) {
    if (clientLimit !== undefined && clientLimit < 15) return null;
  } else if (offered.clientMaxWindowBits === true) {
    if (clientLimit !== undefined) {
      clientMaxWindowBits = clientLimit;
      sendClientBits = true;
    }
  } else {
    clientMaxWindowBits = Math.min(offered.clientMaxWindowBits, clientLimit ?? 15);
    sendClientBits = true;
  }

  const serverNoContextTakeover = options.serverNoContextTakeover === true || offered.serverNoContextTakeover;
  const clientNoContextTakeover = options.clientNoContextTakeover === true || offered.clientNoContextTakeover;
  let responseHeader = PERMESSAGE_DEFLATE;
  if (serverNoContextTakeover) responseHeader += '; server_no_context_takeover';
  if (clientNoContextTakeover) responseHeader += '; client_no_context_takeover';
  if (offered.serverMaxWindowBits !== undefined)
    responseHeader += `; server_max_window_bits=${serverMaxWindowBits}`;
  if (sendClientBits) responseHeader += `; client_max_window_bits=${clientMaxWindowBits}`;
  return {
    params: { serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits, clientMaxWindowBits },
    responseHeader,
  };
}

function checkOptions(options: PerMessageDeflateServerOptions): string | undefined {
  if (options.serverMaxWindowBits !== undefined && !isWindowBits(options.serverMaxWindowBits)) {
    return 'serverMaxWindowBits must be an integer 8..15';
  }
  if (options.clientMaxWindowBits !== undefined && !isWindowBits(options.clientMaxWindowBits)) {
    return 'clientMaxWindowBits must be an integer 8..15';
  }
  return undefined;
}
