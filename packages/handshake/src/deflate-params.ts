/**
 * Result of permessage-deflate negotiation, consumed by @parley/codec's protocol core.
 * Declared here until @parley/codec exports the identical interface (docs/contracts.md);
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
