import type { Client } from './client.js';
import type { ClientCloseInfo, OpenInfo } from './client-events.js';
import type { ClientConfigInput } from './config.js';
import { checkCloseArguments } from './close-arguments.js';
import { createClient } from './create-client.js';
import { CloseEvent, WebSocketErrorEvent } from './websocket-events.js';

export type BinaryType = 'arraybuffer' | 'nodebuffer' | 'blob';

/** Parley extension: client settings for the WHATWG class (reconnect is always off here). */
export type WebSocketOptions = Omit<Partial<ClientConfigInput>, 'url' | 'protocols' | 'reconnect'>;

type ReadyState = 0 | 1 | 2 | 3;
type Handler = ((this: WebSocket, event: Event) => unknown) | null;
const HANDLED_EVENTS = ['open', 'message', 'error', 'close'] as const;
type HandledEvent = (typeof HANDLED_EVENTS)[number];

const tokenPattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * The browsers' `WebSocket` API on top of Parley's client, so browser-style code and
 * libraries written for the standard run unchanged: same constructor, readyState constants,
 * `binaryType`, `onmessage`/`addEventListener`, `send`, `close(code, reason)` with the
 * standard's argument checks, `bufferedAmount`, `protocol`, `extensions`, `url`.
 * No automatic reconnect (the standard has none); use `createClient` for that.
 */
export class WebSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  declare readonly CONNECTING: 0;
  declare readonly OPEN: 1;
  declare readonly CLOSING: 2;
  declare readonly CLOSED: 3;

  readonly #client: Client;
  readonly #url: string;
  #readyState: ReadyState = 0;
  #binaryType: BinaryType = 'arraybuffer';
  #open: OpenInfo | null = null;
  #discarded = 0;
  #blobChain: Promise<void> | null = null;
  #blobBytes = 0;
  #deferEvents = false;
  readonly #handlers = new Map<HandledEvent, Handler>();

  constructor(url: string | URL, protocols: string | string[] = [], options: WebSocketOptions = {}) {
    super();
    this.#url = parseWebSocketUrl(url);
    const list = typeof protocols === 'string' ? [protocols] : [...protocols];
    if (list.some((p) => !tokenPattern.test(p)) || new Set(list).size !== list.length) {
      throw new DOMException(`Invalid subprotocol list: ${JSON.stringify(list)}`, 'SyntaxError');
    }
    const created = createClient({
      ping_interval: 0,
      ...options,
      url: this.#url,
      protocols: list,
      reconnect: { enabled: false },
    });
    if (!created.ok) throw new TypeError(created.error.message);
    this.#client = created.value;
    this.#client.on('open', (info) => this.#onOpen(info));
    this.#client.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    this.#client.on('close', (info) => this.#onClose(info));
    void this.#client.start();
  }

  get url(): string {
    return this.#url;
  }

  get readyState(): ReadyState {
    if (this.#readyState === 1 && this.#client.readyState !== 'open') return 2;
    return this.#readyState;
  }

  get protocol(): string {
    return this.#open?.protocol ?? '';
  }

  get extensions(): string {
    return this.#open?.extensions ?? '';
  }

  get bufferedAmount(): number {
    return this.#client.bufferedAmount + this.#blobBytes + this.#discarded;
  }

  get binaryType(): BinaryType {
    return this.#binaryType;
  }

  set binaryType(value: BinaryType) {
    if (value === 'arraybuffer' || value === 'nodebuffer' || value === 'blob') this.#binaryType = value;
  }

  get onopen(): Handler {
    return this.#handlers.get('open') ?? null;
  }
  set onopen(handler: Handler) {
    this.#setHandler('open', handler);
  }
  get onmessage(): Handler {
    return this.#handlers.get('message') ?? null;
  }
  set onmessage(handler: Handler) {
    this.#setHandler('message', handler);
  }
  get onerror(): Handler {
    return this.#handlers.get('error') ?? null;
  }
  set onerror(handler: Handler) {
    this.#setHandler('error', handler);
  }
  get onclose(): Handler {
    return this.#handlers.get('close') ?? null;
  }
  set onclose(handler: Handler) {
    this.#setHandler('close', handler);
  }

  send(data: string | ArrayBufferLike | ArrayBufferView | Blob): void {
    if (this.#readyState === 0) throw new DOMException('WebSocket is still CONNECTING', 'InvalidStateError');
    if (data instanceof Blob) {
      this.#sendBlob(data);
      return;
    }
    const bytes = typeof data === 'string' ? data : toBuffer(data);
    if (this.#blobChain !== null) {
      this.#blobChain = this.#blobChain.then(() => this.#sendNow(bytes));
      return;
    }
    this.#sendNow(bytes);
  }

  close(code?: number, reason?: string): void {
    checkCloseArguments(code, reason);
    if (this.#readyState === 2 || this.#readyState === 3) return;
    if (this.#readyState === 1 && this.#client.readyState !== 'open') return;
    this.#readyState = 2;
    this.#deferEvents = true;
    try {
      this.#client.close(code ?? 1000, reason ?? '');
    } finally {
      this.#deferEvents = false;
    }
  }

  #sendNow(data: string | Buffer): void {
    if (this.readyState !== 1) {
      this.#discarded += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
      return;
    }
    this.#client.send(data, { binary: typeof data !== 'string' });
  }

  #sendBlob(blob: Blob): void {
    this.#blobBytes += blob.size;
    const previous = this.#blobChain ?? Promise.resolve();
    const chain = previous
      .then(() => blob.arrayBuffer())
      .then((buffer) => {
        this.#blobBytes -= blob.size;
        this.#sendNow(Buffer.from(buffer));
      });
    this.#blobChain = chain;
    void chain.then(() => {
      if (this.#blobChain === chain) this.#blobChain = null;
    });
  }

  #setHandler(type: HandledEvent, handler: Handler): void {
    const value = typeof handler === 'function' ? handler : null;
    if (!this.#handlers.has(type)) {
      // One stable listener per attribute, added on first use: the standard keeps the
      // handler's place in the listener order even when the attribute changes later.
      this.addEventListener(type, (event) => this.#handlers.get(type)?.call(this, event));
    }
    this.#handlers.set(type, value);
  }

  #dispatch(event: Event): void {
    if (this.#deferEvents) process.nextTick(() => this.dispatchEvent(event));
    else this.dispatchEvent(event);
  }

  #onOpen(info: OpenInfo): void {
    this.#open = info;
    if (this.#readyState === 0) this.#readyState = 1;
    this.#dispatch(new Event('open'));
  }

  #onMessage(data: string | Buffer, isBinary: boolean): void {
    if (this.#readyState === 3) return;
    let payload: string | Buffer | ArrayBuffer | Blob = data;
    if (isBinary && typeof data !== 'string') {
      if (this.#binaryType === 'arraybuffer') payload = toArrayBuffer(data);
      else if (this.#binaryType === 'blob') payload = new Blob([data]);
    }
    this.#dispatch(new MessageEvent('message', { data: payload, origin: new URL(this.#url).origin }));
  }

  #onClose(info: ClientCloseInfo): void {
    const finish = (): void => {
      this.#readyState = 3;
      if (!info.wasClean) {
        this.dispatchEvent(new WebSocketErrorEvent(info.reason, info.error ?? info.protocolError));
      }
      this.dispatchEvent(
        new CloseEvent('close', { code: info.code, reason: info.reason, wasClean: info.wasClean }),
      );
    };
    // Inside close() (still CONNECTING) the standard fires these from a later task.
    if (this.#deferEvents) process.nextTick(finish);
    else finish();
  }
}

for (const [name, value] of [
  ['CONNECTING', 0],
  ['OPEN', 1],
  ['CLOSING', 2],
  ['CLOSED', 3],
] as const) {
  Object.defineProperty(WebSocket.prototype, name, { value, enumerable: true });
}

/** The standard's URL steps: http(s) becomes ws(s); other schemes and fragments are a SyntaxError. */
function parseWebSocketUrl(input: string | URL): string {
  const text = String(input);
  if (!URL.canParse(text)) throw new DOMException(`Invalid URL: ${text}`, 'SyntaxError');
  const url = new URL(text);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new DOMException(`The URL's scheme must be ws or wss, got ${url.protocol}`, 'SyntaxError');
  }
  if (url.hash !== '' || text.endsWith('#')) {
    throw new DOMException('The URL must not contain a fragment', 'SyntaxError');
  }
  return url.href;
}

function toBuffer(data: ArrayBufferLike | ArrayBufferView): Buffer {
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

function toArrayBuffer(data: Buffer): ArrayBuffer {
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}
