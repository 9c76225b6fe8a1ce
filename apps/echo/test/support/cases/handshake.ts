// Section 0 (server testee only): opening handshakes that must be refused or accepted, and
// permessage-deflate offers with invalid parameters (RFC 7692 §5–7: decline the offer — a 101
// without the extension — or refuse the handshake with 400).
import { randomBytes } from 'node:crypto';
import { parseExtensions } from '../deflate.js';
import { CaseFailure, CaseNonStrict, CaseNotApplicable, closeNormally, expectEcho } from '../expect.js';
import { acceptFor, openClientPeer, type RawHttpResponse, rawHttpExchange } from '../handshake.js';
import { craftFrame, OP } from '../wire.js';
import type { RunningEchoServer } from '../targets.js';

export interface HandshakeCase {
  id: string;
  title: string;
  /** Run against the server started with permessage-deflate enabled. */
  deflateServer?: boolean;
  run(server: RunningEchoServer): Promise<void>;
}

/** Placeholder for the request's Sec-WebSocket-Key in custom header sets. */
const KEY = '{key}';

interface RequestParts {
  method?: string;
  path?: string;
  httpVersion?: string;
  /** Header lines replacing the defaults; null drops a default header. */
  headers?: Record<string, string | null>;
}

function requestHead(port: number, parts: RequestParts, key: string): string {
  const headers: Record<string, string | null> = {
    Host: `127.0.0.1:${port}`,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': key,
    'Sec-WebSocket-Version': '13',
    ...parts.headers,
  };
  const lines = [`${parts.method ?? 'GET'} ${parts.path ?? '/'} HTTP/${parts.httpVersion ?? '1.1'}`];
  for (const [name, value] of Object.entries(headers)) {
    if (value !== null) lines.push(`${name}: ${value === KEY ? key : value}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

async function exchange(server: RunningEchoServer, parts: RequestParts): Promise<[RawHttpResponse, string]> {
  const key = randomBytes(16).toString('base64');
  const path = parts.path ?? server.path;
  const res = await rawHttpExchange(server.port, requestHead(server.port, { ...parts, path }, key));
  if (!res) throw new CaseFailure('an HTTP response', 'connection closed without a response head');
  return [res, key];
}

function expectStatus(res: RawHttpResponse, allowed: (s: number) => boolean, expected: string): void {
  if (!allowed(res.status)) throw new CaseFailure(expected, res.startLine);
}

const is4xx = (s: number) => s >= 400 && s < 500;

function refusal(
  id: string,
  title: string,
  parts: RequestParts,
  allowed = is4xx,
  expected = '4xx',
): HandshakeCase {
  return {
    id,
    title,
    async run(server) {
      const [res] = await exchange(server, parts);
      expectStatus(res, allowed, expected);
    },
  };
}

function acceptance(id: string, title: string, parts: RequestParts): HandshakeCase {
  return {
    id,
    title,
    async run(server) {
      const [res, key] = await exchange(server, parts);
      expectStatus(res, (s) => s === 101, '101');
      const accept = res.headers.get('sec-websocket-accept');
      if (accept !== acceptFor(key))
        throw new CaseFailure(`Sec-WebSocket-Accept ${acceptFor(key)}`, String(accept));
    },
  };
}

/** An offer with invalid parameters: 101 without permessage-deflate, or 400. */
function invalidOffer(id: string, offer: string): HandshakeCase {
  return {
    id,
    title: `invalid offer "${offer}" is declined (101 without the extension) or refused (400)`,
    deflateServer: true,
    async run(server) {
      const [res] = await exchange(server, { headers: { 'Sec-WebSocket-Extensions': offer } });
      if (res.status === 400) return;
      expectStatus(res, (s) => s === 101, '101 or 400');
      const ext = res.headers.get('sec-websocket-extensions');
      if (ext && parseExtensions(ext).some((e) => e.name === 'permessage-deflate')) {
        throw new CaseFailure('the offer declined', `accepted: ${ext}`);
      }
    },
  };
}

export const handshakeSection: HandshakeCase[] = [
  {
    id: '0.1.1',
    title: 'Sec-WebSocket-Version: 7 gets 426 with Sec-WebSocket-Version: 13',
    async run(server) {
      const [res] = await exchange(server, { headers: { 'Sec-WebSocket-Version': '7' } });
      // RFC 6455 §4.4 names 426 as the response; 400 is what §4.2.2 allows generically.
      expectStatus(res, (s) => s === 426 || s === 400, '426 (or 400)');
      const versions = res.headers.get('sec-websocket-version') ?? '';
      if (!versions.split(',').some((v) => v.trim() === '13')) {
        throw new CaseFailure(
          'Sec-WebSocket-Version: 13',
          `Sec-WebSocket-Version: ${versions || '(missing)'}`,
        );
      }
    },
  },
  refusal('0.1.2', 'missing Sec-WebSocket-Version gets 4xx', { headers: { 'Sec-WebSocket-Version': null } }),
  refusal(
    '0.1.3',
    'missing Sec-WebSocket-Key gets 400',
    { headers: { 'Sec-WebSocket-Key': null } },
    (s) => s === 400,
    '400',
  ),
  refusal(
    '0.1.4',
    'Sec-WebSocket-Key that is not 16 bytes of base64 gets 400',
    { headers: { 'Sec-WebSocket-Key': 'c2hvcnQ=' } },
    (s) => s === 400,
    '400',
  ),
  refusal('0.1.5', 'POST upgrade request gets 4xx', { method: 'POST' }),
  refusal('0.1.6', 'PUT upgrade request gets 4xx', { method: 'PUT' }),
  refusal(
    '0.1.7',
    'HTTP/1.0 upgrade request gets 4xx (or 505)',
    { httpVersion: '1.0' },
    (s) => is4xx(s) || s === 505,
  ),
  refusal('0.1.8', 'Upgrade: h2c gets 4xx', { headers: { Upgrade: 'h2c' } }),
  refusal('0.1.9', 'Upgrade header without Connection: Upgrade gets 4xx', {
    headers: { Connection: 'keep-alive' },
  }),
  {
    id: '0.1.10',
    title: 'unknown path gets 404 when the server serves one path',
    deflateServer: true,
    async run(server) {
      if (!server.pathEnforced) throw new CaseNotApplicable('server accepts every path');
      const [res] = await exchange(server, { path: '/no-such-path' });
      expectStatus(res, (s) => s === 404, '404');
    },
  },
  refusal(
    '0.1.11',
    'two Sec-WebSocket-Key headers get 400',
    { headers: { 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } },
    (s) => s === 400,
    '400',
  ),
  {
    id: '0.1.12',
    title: 'a 64 KiB request header gets 4xx (431/400), or the connection is closed',
    async run(server) {
      const key = randomBytes(16).toString('base64');
      const head = requestHead(
        server.port,
        { path: server.path, headers: { 'X-Big': 'a'.repeat(65536) } },
        key,
      );
      const res = await rawHttpExchange(server.port, head);
      if (!res) throw new CaseNonStrict('431 or 400', 'connection closed without a response');
      expectStatus(res, is4xx, '4xx');
    },
  },
  acceptance('0.2.1', 'Connection: keep-alive, Upgrade is accepted', {
    headers: { Connection: 'keep-alive, Upgrade' },
  }),
  acceptance('0.2.2', 'header names and Upgrade value in other cases are accepted', {
    headers: {
      Upgrade: null,
      Connection: null,
      'Sec-WebSocket-Key': null,
      'Sec-WebSocket-Version': null,
      upgrade: 'WebSocket',
      CONNECTION: 'upgrade',
      'sec-websocket-key': KEY,
      'SEC-WEBSOCKET-VERSION': '13',
    },
  }),
  {
    id: '0.2.3',
    title: 'unknown extension offer is ignored (101 without it)',
    async run(server) {
      const [res] = await exchange(server, { headers: { 'Sec-WebSocket-Extensions': 'x-unknown-ext; a=1' } });
      expectStatus(res, (s) => s === 101, '101');
      const ext = res.headers.get('sec-websocket-extensions');
      if (ext?.includes('x-unknown-ext')) throw new CaseFailure('no x-unknown-ext in the response', ext);
    },
  },
  {
    id: '0.2.4',
    title: 'a subprotocol request is answered without Sec-WebSocket-Protocol (echo speaks none)',
    async run(server) {
      const [res] = await exchange(server, { headers: { 'Sec-WebSocket-Protocol': 'chat, superchat' } });
      expectStatus(res, (s) => s === 101, '101');
      const chosen = res.headers.get('sec-websocket-protocol');
      if (chosen !== undefined) throw new CaseFailure('no Sec-WebSocket-Protocol', chosen);
    },
  },
  {
    id: '0.2.5',
    title: 'a text frame sent in the same write as the request head is echoed',
    async run(server) {
      const early = craftFrame({ opcode: OP.text, payload: 'sent with the handshake' }, true);
      const peer = await openClientPeer(server.port, { path: server.path, earlyData: early });
      try {
        await expectEcho(peer, OP.text, Buffer.from('sent with the handshake'));
        await closeNormally(peer);
      } finally {
        peer.destroy();
      }
    },
  },
  ...[
    'permessage-deflate; server_max_window_bits=16',
    'permessage-deflate; server_max_window_bits=7',
    'permessage-deflate; server_max_window_bits',
    'permessage-deflate; client_max_window_bits=16',
    'permessage-deflate; client_max_window_bits=abc',
    'permessage-deflate; server_no_context_takeover=1',
    'permessage-deflate; server_no_context_takeover; server_no_context_takeover',
    'permessage-deflate; foo=1',
  ].map((offer, i) => invalidOffer(`0.3.${i + 1}`, offer)),
];
