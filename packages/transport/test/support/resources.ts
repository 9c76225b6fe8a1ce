import type { Connection, Listener } from '../../src/index.js';

/** Collects everything a test opens so `afterEach` can close it all, pass or fail. */
export class Resources {
  private readonly listeners: Listener[] = [];
  private readonly connections: Connection[] = [];
  private readonly closers: (() => void | Promise<void>)[] = [];

  listener(listener: Listener): Listener {
    this.listeners.push(listener);
    return listener;
  }

  connection(conn: Connection): Connection {
    this.connections.push(conn);
    return conn;
  }

  onCleanup(close: () => void | Promise<void>): void {
    this.closers.push(close);
  }

  async closeAll(): Promise<void> {
    for (const conn of this.connections.splice(0)) conn.destroy();
    for (const close of this.closers.splice(0)) await close();
    await Promise.all(this.listeners.splice(0).map((l) => l.close()));
  }
}

/** A promise with its resolver outside: for "wait until this event happens" in tests. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Unwraps a Result in a test, failing with the error value when it is not ok. */
export function expectOk<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}
