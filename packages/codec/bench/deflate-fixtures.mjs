// What deflate-memory.mjs and deflate-throughput.mjs share: the 16 KiB JSON they echo, the
// compressed request a client would send for it, and ws's permessage-deflate class (loaded
// from ws's own files, as ws uses it).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { constants, deflateRawSync } from 'node:zlib';

/** `size` bytes of chat-like JSON, the same for the same `seed` (a fixed linear congruential sequence). */
export function sampleJson(size, seed) {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  const items = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const item = JSON.stringify({
      id: 100000 + Math.floor(next() * 900000),
      user: ['alice', 'bob', 'carol', 'dave'][Math.floor(next() * 4)],
      ts: 1700000000000 + Math.floor(next() * 1e9),
      text: `message ${i} ${Math.floor(next() * 1e6).toString(36)}`,
    });
    items.push(item);
    length += item.length + 1;
  }
  return Buffer.from(`{"type":"batch","items":[${items.join(',')}]}`).subarray(0, size);
}

/**
 * `message` as one permessage-deflate payload on the wire: raw deflate, sync-flushed, without
 * the trailing 00 00 ff ff (RFC 7692 7.2.1). A stream of its own, so any context can inflate it.
 */
export function deflatedPayload(message, windowBits = 15) {
  return deflateRawSync(message, { windowBits, finishFlush: constants.Z_SYNC_FLUSH }).subarray(0, -4);
}

/** ws's PerMessageDeflate class (lib/permessage-deflate.js of the installed ws). */
export function loadWsPerMessageDeflate() {
  const require = createRequire(import.meta.url);
  return require(join(dirname(require.resolve('ws/package.json')), 'lib', 'permessage-deflate.js'));
}
