import { describe, expect, it } from 'vitest';
import {
  buildAcceptResponse,
  buildRejectResponse,
  parseResponseHead,
  reasonPhrase,
  tryBuildAcceptResponse,
  tryBuildRejectResponse,
  validateHeaders,
} from '../src/index.js';

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

describe('buildAcceptResponse', () => {
  it('builds the RFC 6455 §1.3 sample response', () => {
    expect(buildAcceptResponse({ key: KEY, protocol: 'chat' })).toBe(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat\r\n\r\n',
    );
  });

  it('leaves out protocol and extensions when there are none', () => {
    const head = buildAcceptResponse({ key: KEY, protocol: null, extensions: '' });
    expect(head).not.toContain('Sec-WebSocket-Protocol');
    expect(head).not.toContain('Sec-WebSocket-Extensions');
  });

  it('adds extensions and extra headers after the handshake headers', () => {
    const head = buildAcceptResponse({
      key: KEY,
      extensions: 'permessage-deflate; server_no_context_takeover',
      headers: { 'Set-Cookie': 'sid=1; HttpOnly', 'X-Server': 'parley' },
    });
    expect(
      head.endsWith(
        'Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n' +
          'Set-Cookie: sid=1; HttpOnly\r\nX-Server: parley\r\n\r\n',
      ),
    ).toBe(true);
  });

  it.each([
    ['a protocol that is not a token', { protocol: 'a b' }, 'BAD_PROTOCOL'],
    ['CRLF in extensions', { extensions: 'x\r\nEvil: 1' }, 'INVALID_HEADER'],
    ['CRLF in a header value', { headers: { 'X-A': '1\r\nEvil: 1' } }, 'INVALID_HEADER'],
    ['a reserved header', { headers: { 'Sec-WebSocket-Accept': 'x' } }, 'INVALID_HEADER'],
    ['a reserved header in other case', { headers: { connection: 'close' } }, 'INVALID_HEADER'],
  ])('refuses %s', (_name, extra, code) => {
    const result = tryBuildAcceptResponse({ key: KEY, ...extra });
    expect(result).toMatchObject({ ok: false, error: { code } });
    expect(() => buildAcceptResponse({ key: KEY, ...extra })).toThrow(TypeError);
  });
});

describe('buildRejectResponse', () => {
  function parts(buf: Buffer) {
    const head = parseResponseHead(buf);
    if (!head.ok || !head.value.complete) throw new Error('unparseable response');
    return { ...head.value, body: buf.subarray(head.value.headLength).toString('utf8') };
  }

  it.each([
    [400, 'Bad Request'],
    [401, 'Unauthorized'],
    [403, 'Forbidden'],
    [404, 'Not Found'],
    [405, 'Method Not Allowed'],
    [431, 'Request Header Fields Too Large'],
    [503, 'Service Unavailable'],
    [505, 'HTTP Version Not Supported'],
  ])('writes status %i with its reason phrase, length and Connection: close', (status, reason) => {
    const response = parts(buildRejectResponse({ status, message: 'nope' }));
    expect(response).toMatchObject({ status, reason, body: 'nope' });
    expect(response.headers).toEqual({
      connection: 'close',
      'content-type': 'text/plain; charset=utf-8',
      'content-length': '4',
    });
  });

  it('adds Upgrade and Sec-WebSocket-Version to a 426', () => {
    const response = parts(buildRejectResponse({ status: 426, message: 'version' }));
    expect(response.headers).toMatchObject({
      upgrade: 'websocket',
      'sec-websocket-version': '13',
      connection: 'Upgrade, close',
    });
  });

  it('keeps headers the rejection brings for a 426', () => {
    const response = parts(
      buildRejectResponse({
        status: 426,
        message: 'x',
        headers: { 'Sec-WebSocket-Version': '13', Upgrade: 'websocket' },
      }),
    );
    expect(response.headers['sec-websocket-version']).toBe('13');
    expect(response.headers.upgrade).toBe('websocket');
  });

  it('sends a given body and content type with its byte length', () => {
    const response = parts(
      buildRejectResponse({
        status: 401,
        message: 'auth',
        headers: { 'WWW-Authenticate': 'Basic realm="chat"', 'Content-Type': 'application/json' },
        body: '{"error":"naïve"}',
      }),
    );
    expect(response.headers).toMatchObject({
      'www-authenticate': 'Basic realm="chat"',
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength('{"error":"naïve"}')),
    });
    expect(response.body).toBe('{"error":"naïve"}');
  });

  it('sends a Buffer body as is', () => {
    const buf = buildRejectResponse({ status: 503, message: 'busy', body: Buffer.from([1, 2, 3]) });
    expect(buf.subarray(buf.length - 3)).toEqual(Buffer.from([1, 2, 3]));
    expect(buf.toString('latin1')).toContain('Content-Length: 3\r\n');
  });

  it('supports redirects with a Location header', () => {
    const response = parts(buildRejectResponse({ status: 307, message: '', headers: { Location: '/v2' } }));
    expect(response).toMatchObject({
      status: 307,
      reason: 'Temporary Redirect',
      headers: { location: '/v2' },
    });
  });

  it.each([
    ['status 101', { status: 101, message: 'x' }, 'INVALID_OPTIONS'],
    ['status 200', { status: 200, message: 'x' }, 'INVALID_OPTIONS'],
    ['status 600', { status: 600, message: 'x' }, 'INVALID_OPTIONS'],
    ['a fractional status', { status: 400.5, message: 'x' }, 'INVALID_OPTIONS'],
    ['header injection', { status: 400, message: 'x', headers: { 'X-A': 'a\r\nb: c' } }, 'INVALID_HEADER'],
    [
      'a Content-Length header',
      { status: 400, message: 'x', headers: { 'Content-Length': '1' } },
      'INVALID_HEADER',
    ],
  ])('refuses %s', (_name, rejection, code) => {
    expect(tryBuildRejectResponse(rejection)).toMatchObject({ ok: false, error: { code } });
    expect(() => buildRejectResponse(rejection)).toThrow(TypeError);
  });

  it('has reason phrases for unknown statuses', () => {
    expect(reasonPhrase(599)).toBe('Server Error');
    expect(reasonPhrase(499)).toBe('Client Error');
    expect(reasonPhrase(399)).toBe('Redirect');
  });
});

describe('validateHeaders', () => {
  it('accepts tokens with visible ASCII values and HTAB', () => {
    expect(validateHeaders({ 'X-A': 'a\tb ~' })).toEqual({ ok: true, value: undefined });
  });

  it('is usable up front with a reserved set', () => {
    expect(validateHeaders({ Host: 'x' }, new Set(['host']))).toMatchObject({
      ok: false,
      error: { code: 'INVALID_HEADER' },
    });
  });
});
