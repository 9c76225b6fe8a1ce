/**
 * A bounded async queue for pull-style consumers (`for await (const e of server.events())`,
 * `for await (const msg of session)`). The producer never blocks: `push` always stores the item
 * and calls `pressure.full()` once the queue reaches `capacity`, so the producer can pause its
 * source (socket reads). When the consumer has drained it to half, `pressure.resume()` is
 * called. Ending the queue lets the consumer finish the items already queued, then stop.
 */
export interface QueuePressure {
  full(): void;
  resume(): void;
  /** The consumer stopped iterating (break / return); the producer should stop pushing. */
  detached?(): void;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

export class BoundedQueue<T> implements AsyncIterableIterator<T> {
  private items: T[] = [];
  private head = 0;
  private waiter: ((result: IteratorResult<T>) => void) | null = null;
  private ended = false;
  private paused = false;

  constructor(
    readonly capacity: number,
    private readonly pressure: QueuePressure | null = null,
  ) {}

  get length(): number {
    return this.items.length - this.head;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  push(item: T): void {
    if (this.ended) return;
    const waiter = this.waiter;
    if (waiter !== null) {
      this.waiter = null;
      waiter({ done: false, value: item });
      return;
    }
    this.items.push(item);
    if (!this.paused && this.length >= this.capacity) {
      this.paused = true;
      this.pressure?.full();
    }
  }

  /** No more items will come; queued items are still delivered. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.waiter !== null && this.length === 0) {
      const waiter = this.waiter;
      this.waiter = null;
      waiter(DONE);
    }
    this.release();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.length > 0) {
      const value = this.items[this.head] as T;
      this.items[this.head] = undefined as T;
      this.head++;
      if (this.head === this.items.length) {
        this.items = [];
        this.head = 0;
      } else if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      if (this.paused && this.length <= this.capacity >> 1) this.release();
      return Promise.resolve({ done: false, value });
    }
    if (this.ended) return Promise.resolve(DONE);
    if (this.waiter !== null) return Promise.reject(new Error('BoundedQueue supports one pending next()'));
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  return(): Promise<IteratorResult<T>> {
    const wasEnded = this.ended;
    this.items = [];
    this.head = 0;
    this.end();
    if (!wasEnded) this.pressure?.detached?.();
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  private release(): void {
    if (!this.paused) return;
    this.paused = false;
    this.pressure?.resume();
  }
}
