/**
 * Result of permessage-deflate negotiation, consumed by @parley/codec's protocol core.
 * Declared here with the same shape as @parley/codec's (docs/contracts.md) so the handshake
 * does not type-check against the codec's sources while they change;
 * structural typing keeps the two interchangeable.
 */
export interface PerMessageDeflateParams {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  /** 8..15 */
  serverMaxWindowBits: number;
  /** 8..15 */
  clientMaxWindowBits: number;
}
