import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRequestHead } from '../src/index.js';

const TYPICAL =
  'GET /chat?room=1 HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\n' +
  'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
  'Origin: http://example.com\r\nSec-WebSocket-Protocol: chat, superchat\r\n' +
  'Sec-WebSocket-Version: 13\r\n\r\n';

function parse(text: string, limits?: Parameters<typeof parseRequestHead>[1]) {
  return parseRequestHead(Buffer.from(text, 'latin1'), limits);
}

function errorOf(result: ReturnType<typeof parse>) {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return { code: result.error.code, status: result.error.status };
}

describe('parseRequestHead', () => {
  it('parses the RFC 6455 §1.3 sample request', () => {
    const result = parse(TYPICAL);
    expect(result).toEqual({
      ok: true,
      value: {
        complete: true,
        method: 'GET',
        target: '/chat?room=1',
        httpVersion: '1.1',
        headLength: TYPICAL.length,
        headers: {
          host: 'server.example.com',
          upgrade: 'websocket',
          connection: 'Upgrade',
          'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
          origin: 'http://example.com',
          'sec-websocket-protocol': 'chat, superchat',
          'sec-websocket-version': '13',
        },
      },
    });
  });

  it('reports headLength so the caller finds the first frame bytes', () => {
    const result = parseRequestHead(Buffer.concat([Buffer.from(TYPICAL), Buffer.from([0x81, 0x80])]));
    if (!result.ok || !result.value.complete) throw new Error('incomplete');
    expect(result.value.headLength).toBe(Buffer.byteLength(TYPICAL));
  });

  it('answers incomplete until CRLFCRLF arrives', () => {
    expect(parse('')).toEqual({ ok: true, value: { complete: false } });
    expect(parse('GET / HTTP/1.1\r\nHost: a\r\n')).toEqual({ ok: true, value: { complete: false } });
    expect(parse('GET / HTTP/1.1\r\nHost: a\r\n\r')).toEqual({ ok: true, value: { complete: false } });
  });

  it('gives the same answer at every split point of a chunked head', () => {
    const bytes = Buffer.from(TYPICAL);
    const whole = parseRequestHead(bytes);
    for (let split = 0; split < bytes.length; split++) {
      expect(parseRequestHead(bytes.subarray(0, split))).toEqual({ ok: true, value: { complete: false } });
    }
    expect(parseRequestHead(bytes)).toEqual(whole);
  });

  it('lowercases names, trims OWS and keeps inner whitespace', () => {
    const result = parse('GET / HTTP/1.1\r\nX-Mixed-Case:  \t a  b \t\r\nEmpty:\r\n\r\n');
    if (!result.ok || !result.value.complete) throw new Error('incomplete');
    expect(result.value.headers['x-mixed-case']).toBe('a  b');
    expect(result.value.headers.empty).toBe('');
  });

  it('lowercases common and uncommon names alike, whatever their case', () => {
    const result = parse(
      'GET / HTTP/1.1\r\nHOST: a\r\nsEC-wEBsOCKET-kEY: k\r\nHosx: b\r\nOrigins: c\r\nX-Custom-Name: d\r\n\r\n',
    );
    if (!result.ok || !result.value.complete) throw new Error('incomplete');
    expect(result.value.headers).toEqual({
      host: 'a',
      'sec-websocket-key': 'k',
      hosx: 'b',
      origins: 'c',
      'x-custom-name': 'd',
    });
  });

  it('joins repeated fields with ", " and keeps set-cookie as an array', () => {
    const result = parse(
      'GET / HTTP/1.1\r\nSec-WebSocket-Protocol: a\r\nsec-websocket-protocol: b\r\n' +
        'Set-Cookie: x=1\r\nSet-Cookie: y=2\r\nX: 1\r\nX: 2\r\nX: 3\r\n\r\n',
    );
    if (!result.ok || !result.value.complete) throw new Error('incomplete');
    expect(result.value.headers['sec-websocket-protocol']).toBe('a, b');
    expect(result.value.headers['set-cookie']).toEqual(['x=1', 'y=2']);
    expect(result.value.headers.x).toBe('1, 2, 3');
  });

  it('stores headers in a prototype-free object (no __proto__ pollution)', () => {
    const result = parse('GET / HTTP/1.1\r\n__proto__: x\r\nconstructor: y\r\n\r\n');
    if (!result.ok || !result.value.complete) throw new Error('incomplete');
    expect(Object.getPrototypeOf(result.value.headers)).toBe(null);
    expect(Object.getOwnPropertyDescriptor(result.value.headers, '__proto__')?.value).toBe('x');
    expect(result.value.headers.constructor).toBe('y');
  });

  it('keeps obs-text bytes of values as latin1, like node', () => {
    const result = parseRequestHead(Buffer.from('GET / HTTP/1.1\r\nX: caf\xe9\r\n\r\n', 'latin1'));
    if (!result.ok || !result.value.complete) throw new Error('incomplete');
    expect(result.value.headers.x).toBe('caf\xe9');
  });

  it('ignores empty lines before the request line (RFC 7230 §3.5)', () => {
    const result = parse(`\r\n\r\n${TYPICAL}`);
    if (!result.ok || !result.value.complete) throw new Error('incomplete');
    expect(result.value.method).toBe('GET');
    expect(result.value.headLength).toBe(TYPICAL.length + 4);
  });

  it('accepts any token method and HTTP/1.0 (validation decides later)', () => {
    const result = parse('M-SEARCH * HTTP/1.0\r\n\r\n');
    if (!result.ok || !result.value.complete) throw new Error('incomplete');
    expect(result.value).toMatchObject({ method: 'M-SEARCH', target: '*', httpVersion: '1.0', headers: {} });
  });

  describe('rejects malformed heads with 400', () => {
    it.each([
      ['bare LF ending a header', 'GET / HTTP/1.1\nHost: a\n\n\r\n\r\n'],
      ['bare LF between header lines', 'GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n'],
      ['bare CR inside a value', 'GET / HTTP/1.1\r\nX: a\rb\r\n\r\n'],
      ['NUL inside a value', 'GET / HTTP/1.1\r\nX: a\x00b\r\n\r\n'],
      ['DEL inside a value', 'GET / HTTP/1.1\r\nX: a\x7fb\r\n\r\n'],
      ['obs-fold continuation line', 'GET / HTTP/1.1\r\nX: a\r\n  b\r\n\r\n'],
      ['tab obs-fold', 'GET / HTTP/1.1\r\nX: a\r\n\tb\r\n\r\n'],
      ['space before colon', 'GET / HTTP/1.1\r\nHost : a\r\n\r\n'],
      ['no colon', 'GET / HTTP/1.1\r\nHost a\r\n\r\n'],
      ['empty name', 'GET / HTTP/1.1\r\n: a\r\n\r\n'],
      ['non-token name', 'GET / HTTP/1.1\r\nX(y): a\r\n\r\n'],
      ['method with invalid char', 'G(T / HTTP/1.1\r\n\r\n'],
      ['empty method', ' / HTTP/1.1\r\n\r\n'],
      ['two spaces after method', 'GET  / HTTP/1.1\r\n\r\n'],
      ['no target', 'GET HTTP/1.1\r\n\r\n'],
      ['control char in target', 'GET /a\x01b HTTP/1.1\r\n\r\n'],
      ['non-ASCII target', 'GET /caf\xe9 HTTP/1.1\r\n\r\n'],
      ['lowercase http', 'GET / http/1.1\r\n\r\n'],
      ['version without minor', 'GET / HTTP/1\r\n\r\n'],
      ['version with two-digit major', 'GET / HTTP/11.1\r\n\r\n'],
      ['junk after version', 'GET / HTTP/1.1 x\r\n\r\n'],
      ['bad version separator', 'GET / HTTP-1.1\r\n\r\n'],
      ['bad version dot', 'GET / HTTP/1,1\r\n\r\n'],
      ['non-digit minor', 'GET / HTTP/1.x\r\n\r\n'],
      ['leading bare LF', '\nGET / HTTP/1.1\r\n\r\n'],
      ['request line ended by bare LF', 'GET / HTTP/1.1\nHost: a\r\n\r\n'],
      ['mangled HTTP name', 'GET / HTTX/1.1\r\n\r\n'],
      ['mangled HTTP name 2', 'GET / HTXP/1.1\r\n\r\n'],
      ['mangled HTTP name 3', 'GET / HXTP/1.1\r\n\r\n'],
    ])('%s', (_name, text) => {
      expect(errorOf(parse(text))).toEqual({ code: 'MALFORMED_HEAD', status: 400 });
    });
  });

  it('rejects a bare LF early, before the head is complete', () => {
    expect(errorOf(parse('GET / HTTP/1.1\nHost: a'))).toEqual({ code: 'MALFORMED_HEAD', status: 400 });
    expect(errorOf(parse('\n'))).toEqual({ code: 'MALFORMED_HEAD', status: 400 });
  });

  it('rejects a repeated Host with 400 (RFC 7230 §5.4)', () => {
    expect(errorOf(parse('GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'))).toEqual({
      code: 'BAD_HOST',
      status: 400,
    });
  });

  it('rejects HTTP major versions other than 1 with 505', () => {
    expect(errorOf(parse('GET / HTTP/2.0\r\n\r\n'))).toEqual({ code: 'BAD_HTTP_VERSION', status: 505 });
    expect(errorOf(parse('GET / HTTP/0.9\r\n\r\n'))).toEqual({ code: 'BAD_HTTP_VERSION', status: 505 });
  });

  describe('limits', () => {
    it('rejects a head over maxHeadBytes with 431, complete or not', () => {
      const big = `GET / HTTP/1.1\r\n${'X: 1234567890\r\n'.repeat(20)}\r\n`;
      const limits = { maxHeadBytes: 100, maxHeaders: 1000 };
      expect(errorOf(parse(big, limits))).toEqual({ code: 'HEAD_TOO_LARGE', status: 431 });
      expect(errorOf(parse(big.slice(0, 150), limits))).toEqual({ code: 'HEAD_TOO_LARGE', status: 431 });
      expect(errorOf(parse(big.slice(0, 100), limits))).toEqual({ code: 'HEAD_TOO_LARGE', status: 431 });
    });

    it('accepts a head of exactly maxHeadBytes', () => {
      const head = 'GET / HTTP/1.1\r\nX: 12\r\n\r\n';
      const result = parse(head, { maxHeadBytes: head.length });
      expect(result.ok && result.value.complete).toBe(true);
    });

    it('rejects more than maxHeaders fields with 431', () => {
      const head = (n: number) => `GET / HTTP/1.1\r\n${'X: 1\r\n'.repeat(n)}\r\n`;
      expect(parse(head(3), { maxHeaders: 3 }).ok).toBe(true);
      expect(errorOf(parse(head(4), { maxHeaders: 3 }))).toEqual({ code: 'TOO_MANY_HEADERS', status: 431 });
      // early, while the head is still incomplete
      expect(errorOf(parse(head(6).slice(0, -2), { maxHeaders: 3 }))).toEqual({
        code: 'TOO_MANY_HEADERS',
        status: 431,
      });
    });

    it('rejects a header line over maxLineLength with 431 and a request line with 414', () => {
      const limits = { maxLineLength: 20 };
      const longHeader = `GET / HTTP/1.1\r\nX: ${'a'.repeat(20)}\r\n\r\n`;
      expect(errorOf(parse(longHeader, limits))).toEqual({ code: 'LINE_TOO_LONG', status: 431 });
      expect(errorOf(parse(longHeader.slice(0, 40), limits))).toEqual({ code: 'LINE_TOO_LONG', status: 431 });
      const longTarget = `GET /${'a'.repeat(20)} HTTP/1.1\r\n\r\n`;
      expect(errorOf(parse(longTarget, limits))).toEqual({ code: 'LINE_TOO_LONG', status: 414 });
      expect(errorOf(parse(longTarget.slice(0, 24), limits))).toEqual({ code: 'LINE_TOO_LONG', status: 414 });
      // a finished over-long line while later lines are still arriving
      expect(errorOf(parse(`${longTarget.slice(0, -2)}Host: a`, limits))).toEqual({
        code: 'LINE_TOO_LONG',
        status: 414,
      });
      expect(errorOf(parse(`${longHeader.slice(0, -2)}Host: a`, limits))).toEqual({
        code: 'LINE_TOO_LONG',
        status: 431,
      });
    });

    it('does not count the CR of a pending CRLF against the line length', () => {
      const limits = { maxLineLength: 14 };
      expect(parse('GET / HTTP/1.1\r', limits)).toEqual({ ok: true, value: { complete: false } });
    });

    it('returns HEAD_TOO_LARGE for a 1 MB header without scanning it all', () => {
      const huge = Buffer.concat([Buffer.from('GET / HTTP/1.1\r\nX: '), Buffer.alloc(1 << 20, 0x61)]);
      expect(errorOf(parseRequestHead(huge))).toEqual({ code: 'HEAD_TOO_LARGE', status: 431 });
    });

    it('stops skipping leading empty lines at maxHeadBytes', () => {
      const blank = Buffer.from('\r\n'.repeat(1 << 19));
      expect(errorOf(parseRequestHead(blank))).toEqual({ code: 'HEAD_TOO_LARGE', status: 431 });
    });

    it('returns TOO_MANY_HEADERS for 100k tiny header lines', () => {
      const many = Buffer.from(`GET / HTTP/1.1\r\n${'a:\r\n'.repeat(100_000)}\r\n`);
      expect(errorOf(parseRequestHead(many, { maxHeadBytes: 1 << 22 }))).toEqual({
        code: 'TOO_MANY_HEADERS',
        status: 431,
      });
    });
  });

  it('never throws and is split-invariant on arbitrary bytes', () => {
    const alphabet = fc.constantFrom(
      ...'GET / HTTP/1.1\r\n:; ,aZ\t\x00\x7f\xff'.split('').map((c) => c.charCodeAt(0)),
    );
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 200 }), fc.nat(), (bytes, cut) => {
        const buf = Buffer.from(bytes);
        const whole = parseRequestHead(buf);
        const prefix = parseRequestHead(buf.subarray(0, cut % (buf.length + 1)));
        // A prefix never contradicts the whole: it is incomplete, the same error, or the same head.
        if (prefix.ok && prefix.value.complete) expect(prefix).toEqual(whole);
        if (!prefix.ok && whole.ok) throw new Error('a prefix failed where the whole head parsed');
      }),
      { numRuns: 2000 },
    );
  });

  it('parses generated valid heads identically at any split', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
    const value = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,20}[\x21-\x7e])?$/);
    fc.assert(
      fc.property(fc.array(fc.tuple(token, value), { maxLength: 12 }), fc.nat(), (fields, cut) => {
        const text = `GET /x HTTP/1.1\r\n${fields.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
        const buf = Buffer.from(text, 'latin1');
        const whole = parseRequestHead(buf);
        if (!whole.ok) {
          // only a repeated Host may fail
          expect(whole.error.code).toBe('BAD_HOST');
          return;
        }
        if (!whole.value.complete) throw new Error('incomplete');
        for (const [n, v] of fields) expect(whole.value.headers[n.toLowerCase()]).toContain(v);
        const split = cut % buf.length;
        expect(parseRequestHead(buf.subarray(0, split))).toEqual({ ok: true, value: { complete: false } });
      }),
      { numRuns: 500 },
    );
  });
});
