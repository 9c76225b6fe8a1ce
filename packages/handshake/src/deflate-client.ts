import { err, ok, type Result } from '@parley/codec/result';
import type { PerMessageDeflateParams } from './deflate-params.js';
import { isWindowBits, PERMESSAGE_DEFLATE, readDeflateParams } from './deflate-offer-params.js';
import { type HandshakeError, handshakeError } from './errors.js';
import { parseExtensionsHeader } from './extensions-header.js';

/**
 * What a client offers for permessage-deflate. `{}` (the default) offers
 * `permessage-deflate; client_max_window_bits`: any server parameters accepted.
 */
export interface PerMessageDeflateOffer {
  /** Ask the server to reset its compression context after each message. */
  serverNoContextTakeover?: boolean;
  /** Promise to reset our compression context after each message. */
  clientNoContextTakeover?: boolean;
  /** Largest window (8..15) the server may compress with. */
  serverMaxWindowBits?: number;
  /**
   * `true` (default): offer `client_max_window_bits` without a value, letting the server
   * pick our window; a number 8..15 caps our window; `false` leaves the parameter out.
   */
  clientMaxWindowBits?: number | boolean;
}

/** The `Sec-WebSocket-Extensions` value for `offer`, or INVALID_OPTIONS for out-of-range bits. */
export function formatPerMessageDeflateOffer(offer: PerMessageDeflateOffer): Result<string, HandshakeError> {
  const serverBits = offer.serverMaxWindowBits;
  const clientBits = offer.clientMaxWindowBits ?? true;
  if (serverBits !== undefined && !isWindowBits(serverBits)) {
    return err(handshakeError('INVALID_OPTIONS', 'serverMaxWindowBits must be an integer 8..15'));
  }
  if (typeof clientBits === 'number' && !isWindowBits(clientBits)) {
    return err(
      handshakeError('INVALID_OPTIONS', 'clientMaxWindowBits must be an integer 8..15 or a boolean'),
    );
  }
  let header = PERMESSAGE_DEFLATE;
  if (offer.serverNoContextTakeover === true) header += '; server_no_context_takeover';
  if (offer.clientNoContextTakeover === true) header += '; client_no_context_takeover';
  if (serverBits !== undefined) header += `; server_max_window_bits=${serverBits}`;
  if (clientBits === true) header += '; client_max_window_bits';
  else if (typeof clientBits === 'number') header += `; client_max_window_bits=${clientBits}`;
  return ok(header);
}

/**
 * Checks the server's `Sec-WebSocket-Extensions` answer against what we offered
 * (RFC 6455 §4.1 step 5, RFC 7692 §7.1): only permessage-deflate, at most once, only when
 * offered, with valid parameters the offer allows. Returns the agreed parameters, or null
 * when the server declined (no header).
 */
export function validateDeflateResponse(
  header: string | undefined,
  offer: PerMessageDeflateOffer | false,
): Result<PerMessageDeflateParams | null, HandshakeError> {
  if (header === undefined) return ok(null);
  const parsed = parseExtensionsHeader(header);
  if (!parsed.ok) return err(handshakeError('BAD_EXTENSION', parsed.error.message));
  const elements = parsed.value;
  if (offer === false) return fail(`the server accepted "${elements[0]!.name}", which was not offered`);
  if (elements.length > 1) return fail('the server accepted more than one extension');
  const element = elements[0]!;
  if (element.name !== PERMESSAGE_DEFLATE)
    return fail(`the server accepted "${element.name}", which was not offered`);
  const agreed = readDeflateParams(element.params, 'response');
  if (typeof agreed === 'string') return fail(`permessage-deflate response: ${agreed}`);

  if (offer.serverNoContextTakeover === true && !agreed.serverNoContextTakeover) {
    return fail('the server dropped server_no_context_takeover from the accepted offer');
  }
  let serverMaxWindowBits = agreed.serverMaxWindowBits ?? 15;
  if (offer.serverMaxWindowBits !== undefined) {
    if (agreed.serverMaxWindowBits === undefined) {
      return fail('the server dropped server_max_window_bits from the accepted offer');
    }
    if (agreed.serverMaxWindowBits > offer.serverMaxWindowBits) {
      return fail(
        `server_max_window_bits=${agreed.serverMaxWindowBits} exceeds the offered ${offer.serverMaxWindowBits}`,
      );
    }
    serverMaxWindowBits = agreed.serverMaxWindowBits;
  }
  const offeredClientBits = offer.clientMaxWindowBits ?? true;
  let clientMaxWindowBits = typeof offeredClientBits === 'number' ? offeredClientBits : 15;
  if (agreed.clientMaxWindowBits !== undefined) {
    // readDeflateParams('response') guarantees a number here.
    const bits = agreed.clientMaxWindowBits as number;
    if (offeredClientBits === false) return fail('client_max_window_bits was not offered');
    if (bits > clientMaxWindowBits) {
      return fail(`client_max_window_bits=${bits} exceeds the offered ${clientMaxWindowBits}`);
    }
    clientMaxWindowBits = bits;
  }
  return ok({
    serverNoContextTakeover: agreed.serverNoContextTakeover,
    clientNoContextTakeover: agreed.clientNoContextTakeover || offer.clientNoContextTakeover === true,
    serverMaxWindowBits,
    clientMaxWindowBits,
  });
}

function fail(message: string): Result<never, HandshakeError> {
  return err(handshakeError('BAD_EXTENSION', message));
}
