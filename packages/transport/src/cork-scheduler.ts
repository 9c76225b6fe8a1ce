/**
 * One shared `process.nextTick` per tick uncorks every socket that was corked in that tick.
 *
 * A connection corks its socket on its first write in a tick and registers here; all writes
 * made in the rest of the tick are buffered by the socket and leave in one `writev` when the
 * tick ends. Sharing one callback (instead of one `nextTick` per connection) keeps a broadcast
 * to N sockets at one scheduled callback and no closures.
 */
export interface Uncorkable {
  uncorkNow(): void;
}

let pending: Uncorkable[] = [];
let spare: Uncorkable[] = [];
let scheduled = false;

function flushCorked(): void {
  scheduled = false;
  // Swap lists first: a connection corked again while we flush lands in the next batch.
  const batch = pending;
  pending = spare;
  spare = batch;
  for (let i = 0; i < batch.length; i++) batch[i]!.uncorkNow();
  batch.length = 0;
}

/** Registers `target` to be uncorked at the end of the current tick. Call once per cork. */
export function scheduleUncork(target: Uncorkable): void {
  pending.push(target);
  if (!scheduled) {
    scheduled = true;
    process.nextTick(flushCorked);
  }
}
