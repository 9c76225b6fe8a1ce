/**
 * One queued outgoing item: a message whose frames are ready, a message waiting for zlib, a
 * streaming message still being written, or a close frame. Items reach the wire strictly in
 * queue order; an `open` item at the head holds back everything behind it.
 */
export class OutboundEntry {
  chunks: Buffer[] = [];
  /** More chunks may still be added (compression pending, stream not ended). */
  open: boolean;
  /** Wire bytes of the chunks added so far. */
  size = 0;
  /** Called once the entry's last chunk has been handed to the sink. */
  onWritten: (() => void) | null = null;

  constructor(open: boolean) {
    this.open = open;
  }

  add(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
  }
}

const NO_ENTRIES: OutboundEntry[] = [];

/** Where frames go: the connection's ProtocolSink (anything with `write`). */
export interface FrameOutput {
  write(data: Buffer): void;
}

/**
 * Keeps outgoing messages in order while some of them are not ready yet. When nothing is
 * queued the protocol writes straight to the sink and never touches this class.
 */
export class OutboundQueue {
  /** NO_ENTRIES (shared, never written) until something is queued: idle connections carry no array. */
  private entries: OutboundEntry[] = NO_ENTRIES;
  private readonly output: FrameOutput;
  private flushing = false;

  constructor(output: FrameOutput) {
    this.output = output;
  }

  get length(): number {
    return this.entries.length;
  }

  /** Nothing queued and nothing being written: a new frame may go straight to the sink. */
  get idle(): boolean {
    return this.entries.length === 0 && !this.flushing;
  }

  push(entry: OutboundEntry): void {
    if (this.entries === NO_ENTRIES) this.entries = [];
    this.entries.push(entry);
    this.flush();
  }

  /**
   * Writes every ready entry from the head; stops at the first open one. A finished entry
   * leaves the queue before its chunks are written, so `length` already counts it as sent
   * when the sink sees its bytes; sends made from inside the sink queue up behind it.
   */
  flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (;;) {
        const head = this.entries[0];
        if (head === undefined) break;
        if (head.open) {
          // A stream at the head: write what it has, including chunks added from inside the sink.
          for (let chunks = head.chunks; chunks.length > 0; chunks = head.chunks) {
            head.chunks = [];
            for (const chunk of chunks) this.output.write(chunk);
          }
          if (head.open) break;
          continue; // it ended meanwhile: finish it on the next pass
        }
        this.entries.shift();
        const chunks = head.chunks;
        head.chunks = [];
        for (const chunk of chunks) this.output.write(chunk);
        const done = head.onWritten;
        if (done !== null) {
          head.onWritten = null;
          done();
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * Ends the first open entry that is `streaming` (its message stays unfinished on the wire,
   * which is legal right before a close frame) and drops everything queued after it: those
   * frames would land inside the unfinished message.
   */
  cutAt(entry: OutboundEntry): void {
    const index = this.entries.indexOf(entry);
    if (index < 0) return;
    entry.open = false;
    this.entries.length = index + 1;
  }

  /** Drops everything (the connection failed or was destroyed). */
  clear(): void {
    this.entries.length = 0;
  }
}
