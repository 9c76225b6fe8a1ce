import type { Client } from '@parley/facade';

/**
 * Backpressure for a producer writing to a client: closed between the client's `highWater`
 * event (its socket buffer crossed the high-water mark) and the matching `drain`. `ready()`
 * resolves at once while open, else on `drain`, on `close`, or when `signal` aborts — so a
 * producer waiting here never outlives the connection or a Ctrl-C. No polling.
 */
export class DrainGate {
  readonly #client: Client;
  #blocked = false;
  #closed = false;
  #wake: (() => void) | null = null;
  readonly #onHighWater = (): void => {
    this.#blocked = true;
  };
  readonly #onDrain = (): void => {
    this.#blocked = false;
    this.#release();
  };
  readonly #onClose = (): void => {
    this.#closed = true;
    this.#release();
  };

  constructor(client: Client) {
    this.#client = client;
    client.on('highWater', this.#onHighWater);
    client.on('drain', this.#onDrain);
    client.on('close', this.#onClose);
  }

  /** True between a `highWater` and its `drain` while the connection lives. */
  get blocked(): boolean {
    return this.#blocked && !this.#closed;
  }

  /** Resolves when the producer may write again (or writing has become pointless). */
  ready(signal?: AbortSignal): Promise<void> {
    if (!this.blocked || signal?.aborted === true) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        signal?.removeEventListener('abort', done);
        if (this.#wake === done) this.#wake = null;
        resolve();
      };
      this.#wake = done;
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Stops listening to the client. */
  dispose(): void {
    this.#client.off('highWater', this.#onHighWater);
    this.#client.off('drain', this.#onDrain);
    this.#client.off('close', this.#onClose);
    this.#release();
  }

  #release(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}
