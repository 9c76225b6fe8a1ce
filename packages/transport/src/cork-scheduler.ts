/**
 * One shared `process.nextTick` per tick flushes every connection written in that tick.
 *
 * A connection holds its first write of a tick and registers here; a second write in the same
 * tick corks the socket, so everything leaves in one `writev`. At the end of the tick the held
 * write goes to the socket (one plain write: the common case costs no cork bookkeeping) or the
 * socket is uncorked. Sharing one callback (instead of one `nextTick` per connection) keeps a
 * broadcast to N sockets at one scheduled callback and no closures.
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
