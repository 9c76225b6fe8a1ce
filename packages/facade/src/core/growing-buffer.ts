const EMPTY = Buffer.alloc(0);

/**
 * Bytes received and not yet consumed, for a reader waiting on a whole HTTP head (and what
 * follows it). The first chunk is kept as it is: the common case, a whole head in one chunk,
 * costs no copy. From a second chunk on, the bytes live in storage that grows by doubling, so
 * a head that trickles in a byte per packet costs linear copying, not a copy of everything
 * received so far per packet.
 */
export class GrowingBuffer {
  /** The unconsumed bytes: the first chunk itself, or a view of `#storage` from its offset 0. */
  #bytes: Buffer = EMPTY;
  #storage: Buffer | null = null;

  /** The unconsumed bytes (a view: valid until the next `skip` or `take`). */
  get bytes(): Buffer {
    return this.#bytes;
  }

  get length(): number {
    return this.#bytes.length;
  }

  append(chunk: Buffer): void {
    const length = this.#bytes.length;
    if (length === 0) {
      this.#bytes = chunk;
      return;
    }
    const needed = length + chunk.length;
    let storage = this.#storage;
    if (storage === null || needed > storage.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, 2 * length, 1024));
      this.#bytes.copy(grown, 0);
      storage = this.#storage = grown;
    }
    chunk.copy(storage, length);
    this.#bytes = storage.subarray(0, needed);
  }

  /** Drops the first `count` bytes (a head that was read). A later chunk starts new storage. */
  skip(count: number): void {
    this.#bytes = this.#bytes.subarray(count);
    this.#storage = null;
  }

  /** Hands over every unconsumed byte and empties the buffer; later chunks never write into it. */
  take(): Buffer {
    const bytes = this.#bytes;
    this.#bytes = EMPTY;
    this.#storage = null;
    return bytes;
  }
}
