import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseResponseHead } from '../src/index.js';

const SAMPLE =
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat\r\n\r\n';

function parse(text: string, limits?: Parameters<typeof parseResponseHead>[1]) {
  return parseResponseHead(Buffer.from(text, 'latin1'), limits);
}

function codeOf(result: ReturnType<typeof parse>) {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error.code;
}

describe('parseResponseHead', () => {
  it('parses the RFC 6455 §1.3 sample response', () => {
    expect(parse(SAMPLE)).toEqual({
      ok: true,
      value: {
        complete: true,
        status: 101,
        reason: 'Switching Protocols',
        httpVersion: '1.1',
        headLength: SAMPLE.length,
        headers: {
          upgrade: 'websocket',
          connection: 'Upgrade',
          'sec-websocket-accept': 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
          'sec-websocket-protocol': 'chat',
        },
      },
    });
  });

  it('leaves the first frame bytes after headLength', () => {
    const buf = Buffer.concat([Buffer.from(SAMPLE), Buffer.from([0x81, 0x02, 0x68, 0x69])]);
    const result = parseResponseHead(buf);
    if (!result.ok || !result.value.complete) throw new Error('incomplete');
    expect(buf.subarray(result.value.headLength)).toEqual(Buffer.from([0x81, 0x02, 0x68, 0x69]));
  });

  it('is incomplete at every split before the end', () => {
    const buf = Buffer.from(SAMPLE);
    for (let split = 0; split < buf.length; split++) {
      expect(parseResponseHead(buf.subarray(0, split))).toEqual({ ok: true, value: { complete: false } });
    }
  });

  it('tolerates a missing or empty reason phrase', () => {
    const bare = parse('HTTP/1.1 101\r\n\r\n');
    const empty = parse('HTTP/1.1 401 \r\nWWW-Authenticate: Basic\r\n\r\n');
    expect(bare.ok && bare.value.complete && [bare.value.status, bare.value.reason]).toEqual([101, '']);
    expect(empty.ok && empty.value.complete && [empty.value.status, empty.value.reason]).toEqual([401, '']);
  });

  it('keeps a reason phrase with spaces and obs-text', () => {
    const result = parse('HTTP/1.0 302 Moved \xe0 la page\r\nLocation: /x\r\n\r\n');
    if (!result.ok || !result.value.complete) throw new Error('incomplete');
    expect(result.value).toMatchObject({ status: 302, reason: 'Moved \xe0 la page', httpVersion: '1.0' });
  });

  it.each([
    ['missing version', '101 Switching Protocols\r\n\r\n'],
    ['no space after version', 'HTTP/1.1x101 OK\r\n\r\n'],
    ['short version', 'HTTP/1 101 OK\r\n\r\n'],
    ['control char in reason', 'HTTP/1.1 101 Swi\x01tching\r\n\r\n'],
    ['bare LF in status line', 'HTTP/1.1 101 OK\nUpgrade: websocket\r\n\r\n'],
    ['obs-fold header', 'HTTP/1.1 101 OK\r\nUpgrade: websocket\r\n more\r\n\r\n'],
  ])('rejects a malformed head: %s', (_name, text) => {
    expect(codeOf(parse(text))).toBe('MALFORMED_HEAD');
  });

  it.each([
    ['two-digit status', 'HTTP/1.1 10 OK\r\n\r\n'],
    ['four-digit status', 'HTTP/1.1 1010 OK\r\n\r\n'],
    ['letters in status', 'HTTP/1.1 1x1 OK\r\n\r\n'],
    ['first digit not a digit', 'HTTP/1.1 x01 OK\r\n\r\n'],
    ['second digit not a digit', 'HTTP/1.1 1x1\r\n\r\n'],
    ['no status', 'HTTP/1.1\r\n\r\n'],
    ['status cut short', 'HTTP/1.1 10\r\n\r\n'],
  ])('rejects a bad status code: %s', (_name, text) => {
    expect(codeOf(parse(text))).toBe('BAD_STATUS');
  });

  it('rejects HTTP/2 status lines', () => {
    expect(codeOf(parse('HTTP/2.0 101 OK\r\n\r\n'))).toBe('BAD_HTTP_VERSION');
  });

  it('enforces the head limits without an HTTP status (client side)', () => {
    const result = parse(`HTTP/1.1 101 OK\r\n${'X: y\r\n'.repeat(5)}\r\n`, { maxHeaders: 4 });
    expect(result).toEqual({
      ok: false,
      error: { code: 'TOO_MANY_HEADERS', message: 'more than 4 header fields' },
    });
    expect(codeOf(parse(`HTTP/1.1 101 ${'a'.repeat(100)}\r\n\r\n`, { maxLineLength: 50 }))).toBe(
      'LINE_TOO_LONG',
    );
    expect(codeOf(parseResponseHead(Buffer.alloc(1 << 20, 0x41)))).toBe('HEAD_TOO_LARGE');
  });

  it('parses generated responses identically whole and incomplete at any split', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
    const value = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,20}[\x21-\x7e])?$/);
    const status = fc.integer({ min: 100, max: 599 });
    fc.assert(
      fc.property(
        status,
        fc.array(fc.tuple(token, value), { maxLength: 12 }),
        fc.nat(),
        (code, fields, cut) => {
          const text = `HTTP/1.1 ${code} Reason\r\n${fields.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
          const buf = Buffer.from(text, 'latin1');
          const whole = parseResponseHead(buf);
          if (!whole.ok || !whole.value.complete) throw new Error('valid head did not parse');
          expect(whole.value.status).toBe(code);
          for (const [n, v] of fields) expect(String(whole.value.headers[n.toLowerCase()])).toContain(v);
          expect(parseResponseHead(buf.subarray(0, cut % buf.length))).toEqual({
            ok: true,
            value: { complete: false },
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary bytes', () => {
    const alphabet = fc.constantFrom(...'HTP/1.0 \r\n:a9\t\x00\xff'.split('').map((c) => c.charCodeAt(0)));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 200 }), (bytes) => {
        const result = parseResponseHead(Buffer.from(bytes));
        if (result.ok && result.value.complete)
          expect(result.value.headLength).toBeLessThanOrEqual(bytes.length);
      }),
      { numRuns: 2000 },
    );
  });
});
