// permessage-deflate (RFC 7692) for the suite's own side of a connection, on node:zlib
// streams: one deflater and one inflater per connection so context takeover works.
import { constants, createDeflateRaw, createInflateRaw, type DeflateRaw, type InflateRaw } from 'node:zlib';

export const DEFLATE_TRAILER = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/** Negotiated parameters, from the point of view of the connection's two roles. */
export interface DeflateParams {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  /** Undefined when the response did not name it (the sender may use 15). */
  serverMaxWindowBits: number | undefined;
  clientMaxWindowBits: number | undefined;
}

export interface ExtensionParams {
  name: string;
  params: Map<string, string | true>;
}

/** Parses one Sec-WebSocket-Extensions value (no quoted-string commas; enough for tests). */
export function parseExtensions(value: string): ExtensionParams[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const [name, ...rest] = item.split(';').map((s) => s.trim());
      const params = new Map<string, string | true>();
      for (const p of rest) {
        if (!p) continue;
        const eq = p.indexOf('=');
        if (eq < 0) params.set(p.toLowerCase(), true);
        else
          params.set(
            p.slice(0, eq).trim().toLowerCase(),
            p
              .slice(eq + 1)
              .trim()
              .replace(/^"|"$/g, ''),
          );
      }
      return { name: (name ?? '').toLowerCase(), params };
    });
}

export function deflateParamsFrom(ext: ExtensionParams): DeflateParams {
  const bits = (key: string): number | undefined => {
    const v = ext.params.get(key);
    return typeof v === 'string' ? Number(v) : undefined;
  };
  return {
    serverNoContextTakeover: ext.params.has('server_no_context_takeover'),
    clientNoContextTakeover: ext.params.has('client_no_context_takeover'),
    serverMaxWindowBits: bits('server_max_window_bits'),
    clientMaxWindowBits: bits('client_max_window_bits'),
  };
}

/** zlib cannot produce an 8-bit raw window; 9 is what every implementation uses instead. */
function zlibBits(bits: number | undefined): number {
  return Math.max(9, bits ?? 15);
}

function flushThrough(stream: DeflateRaw | InflateRaw, input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    const onData = (d: Buffer) => parts.push(d);
    const onError = (e: Error) => {
      stream.off('data', onData);
      reject(e);
    };
    stream.on('data', onData);
    stream.once('error', onError);
    stream.write(input);
    stream.flush(constants.Z_SYNC_FLUSH, () => {
      stream.off('data', onData);
      stream.off('error', onError);
      resolve(Buffer.concat(parts));
    });
  });
}

/** Compresses whole messages the way a permessage-deflate sender does. */
export class MessageDeflater {
  private stream: DeflateRaw | null = null;

  constructor(
    private readonly windowBits: number | undefined,
    private readonly noContextTakeover: boolean,
  ) {}

  async compress(data: Buffer): Promise<Buffer> {
    if (!this.stream) this.stream = createDeflateRaw({ windowBits: zlibBits(this.windowBits) });
    const out = await flushThrough(this.stream, data);
    if (this.noContextTakeover) this.reset();
    // Z_SYNC_FLUSH always ends with 00 00 ff ff; RFC 7692 §7.2.1 removes it.
    return out.subarray(0, out.length - 4);
  }

  reset(): void {
    this.stream?.close();
    this.stream = null;
  }
}

/**
 * Decompresses messages from a permessage-deflate sender; keeps the window across messages.
 * The window is the negotiated one, so a sender that uses a larger window than it agreed to
 * produces "invalid distance too far back" here, as it would at a strict peer.
 */
export class MessageInflater {
  private stream: InflateRaw | null = null;

  constructor(private readonly windowBits: number | undefined = 15) {}

  async decompress(data: Buffer): Promise<Buffer> {
    if (!this.stream) this.stream = createInflateRaw({ windowBits: zlibBits(this.windowBits) });
    return flushThrough(this.stream, Buffer.concat([data, DEFLATE_TRAILER]));
  }

  reset(): void {
    this.stream?.close();
    this.stream = null;
  }
}
