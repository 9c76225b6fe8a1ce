import { describe, expect, it } from 'vitest';
import { buildClientRequest, type ClientRequestOptions, isValidKey, parseRequestHead } from '../src/index.js';

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

function build(opts: Partial<ClientRequestOptions> & { url: string | URL }) {
  return buildClientRequest({ key: KEY, perMessageDeflate: false, ...opts });
}

function requestOf(result: ReturnType<typeof buildClientRequest>) {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

function codeOf(result: ReturnType<typeof buildClientRequest>) {
  if (result.ok) throw new Error(`expected an error, got ${result.value.head}`);
  return result.error.code;
}

describe('buildClientRequest', () => {
  it('builds the RFC 6455 §1.3 sample request', () => {
    const request = requestOf(
      build({
        url: 'ws://server.example.com/chat',
        protocols: ['chat', 'superchat'],
        origin: 'http://example.com',
      }),
    );
    expect(request).toEqual({
      head:
        'GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n' +
        'Origin: http://example.com\r\nSec-WebSocket-Protocol: chat, superchat\r\n\r\n',
      key: KEY,
      host: 'server.example.com',
      port: 80,
      secure: false,
      path: '/chat',
    });
  });

  it('generates a valid key when none is given', () => {
    const request = requestOf(buildClientRequest({ url: 'ws://a/' }));
    expect(isValidKey(request.key)).toBe(true);
    expect(request.head).toContain(`Sec-WebSocket-Key: ${request.key}\r\n`);
  });

  it('offers permessage-deflate with client_max_window_bits by default', () => {
    const request = requestOf(buildClientRequest({ url: 'ws://a/', key: KEY }));
    expect(request.head).toContain(
      'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n',
    );
  });

  it('writes a custom permessage-deflate offer', () => {
    const request = requestOf(
      build({
        url: 'ws://a/',
        perMessageDeflate: {
          serverNoContextTakeover: true,
          clientNoContextTakeover: true,
          serverMaxWindowBits: 10,
          clientMaxWindowBits: 12,
        },
      }),
    );
    expect(request.head).toContain(
      'Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover; ' +
        'server_max_window_bits=10; client_max_window_bits=12\r\n',
    );
  });

  it('refuses out-of-range deflate options', () => {
    expect(codeOf(build({ url: 'ws://a/', perMessageDeflate: { serverMaxWindowBits: 16 } }))).toBe(
      'INVALID_OPTIONS',
    );
  });

  it.each([
    ['ws://a/', 'a', 80, false, 'a'],
    ['ws://a:80/', 'a', 80, false, 'a'],
    ['ws://a:8080/', 'a:8080', 8080, false, 'a'],
    ['wss://a/', 'a', 443, true, 'a'],
    ['wss://a:443/', 'a', 443, true, 'a'],
    ['wss://a:80/', 'a:80', 80, true, 'a'],
    ['http://a/', 'a', 80, false, 'a'],
    ['https://a:8443/', 'a:8443', 8443, true, 'a'],
    ['ws://[::1]:9000/', '[::1]:9000', 9000, false, '::1'],
    ['wss://[::1]/', '[::1]', 443, true, '::1'],
    ['ws://127.0.0.1:1/', '127.0.0.1:1', 1, false, '127.0.0.1'],
    ['ws://EXAMPLE.com/', 'example.com', 80, false, 'example.com'],
  ])('derives Host, port and TLS from %s', (url, hostHeader, port, secure, host) => {
    const request = requestOf(build({ url }));
    expect(request.head).toContain(`\r\nHost: ${hostHeader}\r\n`);
    expect({ port: request.port, secure: request.secure, host: request.host }).toEqual({
      port,
      secure,
      host,
    });
  });

  it.each([
    ['ws://a', '/'],
    ['ws://a/', '/'],
    ['ws://a/x/y?q=1&r=%20', '/x/y?q=1&r=%20'],
    ['ws://a?q', '/?q'],
    ['ws://a/ü', '/%C3%BC'],
  ])('sends path and query of %s', (url, path) => {
    const request = requestOf(build({ url }));
    expect(request.path).toBe(path);
    expect(request.head.startsWith(`GET ${path} HTTP/1.1\r\n`)).toBe(true);
  });

  it('accepts a URL object', () => {
    expect(requestOf(build({ url: new URL('wss://a/b') })).path).toBe('/b');
  });

  it.each([
    ['not a URL', 'not a url'],
    ['ftp scheme', 'ftp://a/'],
    ['file scheme', 'file:///tmp/x'],
    ['fragment', 'ws://a/#frag'],
    ['empty fragment', 'ws://a/#'],
  ])('rejects %s with INVALID_URL', (_name, url) => {
    expect(codeOf(build({ url }))).toBe('INVALID_URL');
  });

  it('sends URL credentials as Basic authorization unless a header overrides it', () => {
    const withCredentials = requestOf(build({ url: 'ws://us%20er:p%40ss@a/' }));
    expect(withCredentials.head).toContain(
      `Authorization: Basic ${Buffer.from('us er:p@ss').toString('base64')}\r\n`,
    );
    expect(withCredentials.head).not.toContain('us%20er');
    const overridden = requestOf(build({ url: 'ws://u:p@a/', headers: { Authorization: 'Bearer t' } }));
    expect(overridden.head).toContain('Authorization: Bearer t\r\n');
    expect(overridden.head).not.toContain('Basic');
  });

  it('keeps malformed percent escapes in credentials as they are', () => {
    const request = requestOf(build({ url: 'ws://%zz@a/' }));
    expect(request.head).toContain(`Authorization: Basic ${Buffer.from('%zz:').toString('base64')}\r\n`);
  });

  it('appends extra headers after the handshake headers', () => {
    const request = requestOf(build({ url: 'ws://a/', headers: { Cookie: 'a=1', 'X-Empty': '' } }));
    expect(request.head.endsWith('Cookie: a=1\r\nX-Empty: \r\n\r\n')).toBe(true);
  });

  it.each([
    ['CRLF in a value', { 'X-A': 'x\r\nInjected: 1' }],
    ['LF in a value', { 'X-A': 'x\nInjected: 1' }],
    ['NUL in a value', { 'X-A': 'x\x00' }],
    ['non-ASCII value', { 'X-A': 'café' }],
    ['space in a name', { 'X A': 'x' }],
    ['colon in a name', { 'X:A': 'x' }],
    ['empty name', { '': 'x' }],
    ['override Host', { Host: 'evil' }],
    ['override Upgrade', { upgrade: 'h2c' }],
    ['override Connection', { CONNECTION: 'close' }],
    ['override the key', { 'Sec-WebSocket-Key': KEY }],
    ['override the version', { 'Sec-WebSocket-Version': '8' }],
    ['override protocols', { 'Sec-WebSocket-Protocol': 'x' }],
    ['override extensions', { 'Sec-WebSocket-Extensions': 'x' }],
    ['add a body length', { 'Content-Length': '5' }],
  ])('refuses extra headers with %s', (_name, headers) => {
    expect(codeOf(build({ url: 'ws://a/', headers: headers as Record<string, string> }))).toBe(
      'INVALID_HEADER',
    );
  });

  it('refuses a non-string header value', () => {
    const headers = { 'X-A': 1 } as unknown as Record<string, string>;
    expect(codeOf(build({ url: 'ws://a/', headers }))).toBe('INVALID_HEADER');
  });

  it('validates the origin and refuses it twice', () => {
    expect(codeOf(build({ url: 'ws://a/', origin: 'http://x\r\nX: 1' }))).toBe('INVALID_HEADER');
    expect(codeOf(build({ url: 'ws://a/', origin: '' }))).toBe('INVALID_HEADER');
    expect(codeOf(build({ url: 'ws://a/', origin: 'http://x', headers: { Origin: 'http://y' } }))).toBe(
      'INVALID_HEADER',
    );
    expect(requestOf(build({ url: 'ws://a/', headers: { Origin: 'http://y' } })).head).toContain(
      'Origin: http://y',
    );
  });

  it.each([
    ['not a token', ['chat room']],
    ['empty', ['']],
    ['separator', ['a,b']],
    ['duplicate', ['chat', 'chat']],
  ])('refuses subprotocols that are %s', (_name, protocols) => {
    expect(codeOf(build({ url: 'ws://a/', protocols }))).toBe('BAD_PROTOCOL');
  });

  it('refuses a key that is not base64 of 16 bytes', () => {
    expect(codeOf(build({ url: 'ws://a/', key: 'short' }))).toBe('BAD_KEY');
  });

  it('produces a head the bounded request parser accepts', () => {
    const request = requestOf(
      buildClientRequest({
        url: 'wss://[2001:db8::1]:9443/a?b',
        protocols: ['x'],
        origin: 'https://o',
        headers: { 'X-Y': 'z' },
      }),
    );
    const parsed = parseRequestHead(Buffer.from(request.head, 'latin1'));
    if (!parsed.ok || !parsed.value.complete) throw new Error('did not parse');
    expect(parsed.value.headers).toMatchObject({
      host: '[2001:db8::1]:9443',
      'sec-websocket-protocol': 'x',
      origin: 'https://o',
      'x-y': 'z',
    });
  });
});
