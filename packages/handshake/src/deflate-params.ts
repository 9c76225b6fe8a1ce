/**
 * The negotiated permessage-deflate parameters are owned by @parley/codec (its protocol core
 * consumes them; docs/contracts.md); the handshake produces them. A type-only import: no
 * codec code is loaded by the handshake at runtime.
 */
export type { PerMessageDeflateParams } from '@parley/codec';
