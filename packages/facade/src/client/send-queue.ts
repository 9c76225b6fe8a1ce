/** One message held back while the client is not open. */
export interface PendingMessage {
  readonly data: string | Buffer;
  readonly binary: boolean;
  readonly size: number;
}

export interface SendQueueLimits {
  readonly max_messages: number;
  readonly max_bytes: number;
}

/**
 * The bounded FIFO behind "messages sent while reconnecting are queued": it refuses (returns
 * false) instead of growing past either bound, so a caller always learns when a message
 * was not kept. Flushed in order when the connection reopens.
 */
export class BoundedSendQueue {
  readonly #limits: SendQueueLimits;
  #items: PendingMessage[] = [];
  #head = 0;
  #bytes = 0;

  constructor(limits: SendQueueLimits) {
    this.#limits = limits;
  }

  get length(): number {
    return this.#items.length - this.#head;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Would a message of `size` bytes fit? */
  fits(size: number): boolean {
    return this.length + 1 <= this.#limits.max_messages && this.#bytes + size <= this.#limits.max_bytes;
  }

  push(message: PendingMessage): boolean {
    if (!this.fits(message.size)) return false;
    this.#items.push(message);
    this.#bytes += message.size;
    return true;
  }

  shift(): PendingMessage | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const message = this.#items[this.#head]!;
    this.#items[this.#head] = undefined as unknown as PendingMessage;
    this.#head += 1;
    this.#bytes -= message.size;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    }
    return message;
  }

  /** Empties the queue and returns what was in it, in order. */
  takeAll(): PendingMessage[] {
    const rest = this.#items.slice(this.#head);
    this.#items = [];
    this.#head = 0;
    this.#bytes = 0;
    return rest;
  }
}
