// Opening handshakes written by hand (RFC 6455 §4), for both ends of the suite.
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { type DeflateParams, deflateParamsFrom, type ExtensionParams, parseExtensions } from './deflate.js';
import { CaseFailure } from './expect.js';
import { DEFAULT_WAIT_MS, Peer } from './peer.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export function acceptFor(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64');
}

export interface HttpHead {
  /** Request line or status line. */
  startLine: string;
  headers: Map<string, string>;
  /** Bytes after the blank line. */
  rest: Buffer;
}

export function parseHead(buf: Buffer): HttpHead | null {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
  }
  return { startLine: lines[0] ?? '', headers, rest: buf.subarray(end + 4) };
}

/** Reads one HTTP head from the socket; resolves null when the socket closes or times out first. */
export function readHead(socket: Socket, ms = DEFAULT_WAIT_MS): Promise<HttpHead | null> {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    const finish = (head: HttpHead | null) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onClose);
      resolve(head);
    };
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const head = parseHead(buf);
      if (head) {
        socket.pause();
        finish(head);
      }
    };
    const onClose = () => finish(null);
    const timer = setTimeout(() => finish(null), ms);
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', onClose);
  });
}

export function connectTcp(port: number, host = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

export interface ClientHandshakeOptions {
  path?: string;
  /** Sec-WebSocket-Extensions value to offer. */
  extensions?: string;
  /** Bytes sent in the same write as the request head (frames before the 101 arrives). */
  earlyData?: Buffer;
}

/**
 * Why a permessage-deflate response does not fit one offer (RFC 7692 §7.1), or null if it
 * does: known parameters only, each once, valid values, and the offer's demands honoured.
 */
export function deflateResponseProblem(response: ExtensionParams, offer: ExtensionParams): string | null {
  const known = [
    'server_no_context_takeover',
    'client_no_context_takeover',
    'server_max_window_bits',
    'client_max_window_bits',
  ];
  for (const [name, value] of response.params) {
    if (!known.includes(name)) return `unknown parameter ${name}`;
    if (name.endsWith('_max_window_bits')) {
      if (typeof value !== 'string' || !/^(8|9|1[0-5])$/.test(value)) return `${name} without a value 8..15`;
    } else if (value !== true) return `${name} with a value`;
  }
  if (offer.params.has('server_no_context_takeover') && !response.params.has('server_no_context_takeover')) {
    return 'server_no_context_takeover was requested but is missing';
  }
  const offeredServerBits = offer.params.get('server_max_window_bits');
  if (typeof offeredServerBits === 'string') {
    const answered = response.params.get('server_max_window_bits');
    if (typeof answered !== 'string' || Number(answered) > Number(offeredServerBits)) {
      return `server_max_window_bits=${offeredServerBits} was requested; got ${answered === undefined ? 'none' : answered}`;
    }
  }
  if (response.params.has('client_max_window_bits')) {
    const offered = offer.params.get('client_max_window_bits');
    if (offered === undefined) return 'client_max_window_bits was not offered';
    if (
      typeof offered === 'string' &&
      Number(response.params.get('client_max_window_bits')) > Number(offered)
    ) {
      return `client_max_window_bits larger than the offered ${offered}`;
    }
  }
  return null;
}

/** Connects as a WebSocket client to the testee server; fails the case unless it answers 101. */
export async function openClientPeer(port: number, options: ClientHandshakeOptions = {}): Promise<Peer> {
  const socket = await connectTcp(port);
  const key = randomBytes(16).toString('base64');
  const lines = [
    `GET ${options.path ?? '/'} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${key}`,
    'Sec-WebSocket-Version: 13',
  ];
  if (options.extensions) lines.push(`Sec-WebSocket-Extensions: ${options.extensions}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`);
  socket.write(options.earlyData ? Buffer.concat([head, options.earlyData]) : head);
  return finishClientHandshake(socket, key, options);
}

async function finishClientHandshake(
  socket: Socket,
  key: string,
  options: ClientHandshakeOptions,
): Promise<Peer> {
  const head = await readHead(socket);
  const fail = (expected: string, got: string): never => {
    socket.destroy();
    throw new CaseFailure(expected, got);
  };
  if (!head) return fail('101 Switching Protocols', 'no complete response head');
  if (!/^HTTP\/1\.1 101\b/.test(head.startLine)) return fail('101 Switching Protocols', head.startLine);
  if (head.headers.get('sec-websocket-accept') !== acceptFor(key)) {
    return fail(`Sec-WebSocket-Accept ${acceptFor(key)}`, String(head.headers.get('sec-websocket-accept')));
  }
  if (head.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
    return fail('Upgrade: websocket', `Upgrade: ${head.headers.get('upgrade') ?? '(missing)'}`);
  }
  if (!/(^|,)\s*upgrade\s*(,|$)/i.test(head.headers.get('connection') ?? '')) {
    return fail('Connection: Upgrade', `Connection: ${head.headers.get('connection') ?? '(missing)'}`);
  }
  if (head.headers.has('sec-websocket-protocol')) {
    return fail(
      'no Sec-WebSocket-Protocol (none requested)',
      String(head.headers.get('sec-websocket-protocol')),
    );
  }
  let deflate: DeflateParams | null = null;
  const extHeader = head.headers.get('sec-websocket-extensions');
  if (extHeader) {
    const accepted = parseExtensions(extHeader);
    const pmd = accepted.find((e) => e.name === 'permessage-deflate');
    if (accepted.length !== 1 || !pmd || !options.extensions) {
      return fail(`extensions from the offer ${JSON.stringify(options.extensions ?? '')}`, extHeader);
    }
    const offers = parseExtensions(options.extensions).filter((e) => e.name === 'permessage-deflate');
    const problems = offers.map((offer) => deflateResponseProblem(pmd, offer));
    if (!problems.includes(null)) {
      return fail(
        `a response that fits the offer ${JSON.stringify(options.extensions)}`,
        `${extHeader} (${problems[0]})`,
      );
    }
    deflate = deflateParamsFrom(pmd);
  }
  const peer = new Peer(socket, 'client', deflate, head.rest);
  socket.resume();
  return peer;
}

export interface RawHttpResponse {
  status: number;
  headers: Map<string, string>;
  startLine: string;
}

/** Sends an arbitrary request head and reads the response head (null: closed without one). */
export async function rawHttpExchange(port: number, request: string): Promise<RawHttpResponse | null> {
  const socket = await connectTcp(port);
  try {
    socket.write(request);
    const head = await readHead(socket);
    if (!head) return null;
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head.startLine)?.[1] ?? 0);
    return { status, headers: head.headers, startLine: head.startLine };
  } finally {
    socket.destroy();
  }
}

/** Server side: the 101 response accepting `key`, with an optional extensions header. */
export function buildAccept(key: string, extensions?: string): string {
  const lines = [
    'HTTP/1.1 101 Switching Protocols',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${acceptFor(key)}`,
  ];
  if (extensions) lines.push(`Sec-WebSocket-Extensions: ${extensions}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}
