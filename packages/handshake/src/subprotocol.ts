/** Picks a subprotocol from a list of supported ones, or lets the application decide. */
export type SubprotocolSelector = (offered: string[]) => string | null;

/**
 * The subprotocol to answer with, or null for none. With a list, the server's preference
 * order wins: the first supported protocol the client offered. With a selector, its answer
 * is used only when the client offered it (answering anything else would make a compliant
 * client fail the connection, RFC 6455 §4.1), otherwise null.
 */
export function negotiateSubprotocol(
  offered: string[],
  supported: string[] | SubprotocolSelector,
): string | null {
  if (offered.length === 0) return null;
  if (typeof supported === 'function') {
    const chosen = supported(offered.slice());
    return chosen !== null && offered.includes(chosen) ? chosen : null;
  }
  for (const protocol of supported) {
    if (offered.includes(protocol)) return protocol;
  }
  return null;
}
