import type { Client } from '@parley/facade';
import { setTimeout as sleep } from 'node:timers/promises';

/** How often to look at the client's buffer while waiting for it to drain. */
const POLL_MS = 5;

/**
 * Resolves once the client holds at most `limit` unsent bytes (queued for a reconnect or
 * buffered in the socket), or is no longer connecting/open. Polls `bufferedAmount` and
 * `queuedMessages` (messages held for a reconnect have no drain event); `connect` uses it
 * before closing once piped stdin ends. File transfers pace on drain instead (DrainGate).
 */
export async function waitForBuffered(client: Client, limit: number): Promise<void> {
  while (
    (client.readyState === 'open' || client.readyState === 'connecting') &&
    (client.bufferedAmount > limit || client.queuedMessages > 0)
  ) {
    await sleep(POLL_MS);
  }
}
