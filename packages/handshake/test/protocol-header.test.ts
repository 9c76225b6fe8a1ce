import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatProtocols, parseProtocolHeader } from '../src/index.js';

function codeOf(result: ReturnType<typeof parseProtocolHeader>) {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error.code;
}

describe('parseProtocolHeader', () => {
  it('parses the RFC 6455 §1.3 sample list', () => {
    expect(parseProtocolHeader('chat, superchat')).toEqual({ ok: true, value: ['chat', 'superchat'] });
  });

  it('skips empty elements and whitespace, keeps case', () => {
    expect(parseProtocolHeader(' ,Chat ,\t, v2.json ,')).toEqual({ ok: true, value: ['Chat', 'v2.json'] });
  });

  it('treats names as case-sensitive (chat and Chat are different)', () => {
    expect(parseProtocolHeader('chat, Chat')).toEqual({ ok: true, value: ['chat', 'Chat'] });
  });

  it.each([
    ['empty', ''],
    ['only separators', ' , ,'],
    ['space inside a name', 'a b'],
    ['separator character', 'a;b'],
    ['slash', 'chat/1'],
    ['non-ASCII', 'chät'],
    ['control character', 'a\x00'],
    ['duplicate', 'chat, superchat, chat'],
  ])('rejects with BAD_PROTOCOL: %s', (_name, value) => {
    expect(codeOf(parseProtocolHeader(value))).toBe('BAD_PROTOCOL');
  });

  it('enforces maxLength and maxProtocols', () => {
    expect(codeOf(parseProtocolHeader('a'.repeat(4097)))).toBe('HEADER_TOO_LONG');
    const list = (n: number) => Array.from({ length: n }, (_, i) => `p${i}`).join(',');
    expect(parseProtocolHeader(list(64)).ok).toBe(true);
    expect(codeOf(parseProtocolHeader(list(65)))).toBe('TOO_MANY_PROTOCOLS');
    expect(codeOf(parseProtocolHeader(list(3), { maxProtocols: 2 }))).toBe('TOO_MANY_PROTOCOLS');
  });

  it('answers 100k-comma and huge inputs with an error value', () => {
    expect(codeOf(parseProtocolHeader(','.repeat(100_000)))).toBe('HEADER_TOO_LONG');
    const unlimited = { maxLength: Number.POSITIVE_INFINITY };
    expect(codeOf(parseProtocolHeader(','.repeat(100_000), unlimited))).toBe('BAD_PROTOCOL');
    expect(codeOf(parseProtocolHeader('a,'.repeat(100_000), unlimited))).toBe('BAD_PROTOCOL');
    expect(codeOf(parseProtocolHeader('a'.repeat(1 << 20)))).toBe('HEADER_TOO_LONG');
  });

  it('format → parse round-trips unique token lists', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
    fc.assert(
      fc.property(fc.uniqueArray(token, { minLength: 1, maxLength: 20 }), (protocols) => {
        expect(parseProtocolHeader(formatProtocols(protocols))).toEqual({ ok: true, value: protocols });
      }),
    );
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (value) => {
        const result = parseProtocolHeader(value);
        if (result.ok) expect(new Set(result.value).size).toBe(result.value.length);
      }),
      { numRuns: 2000 },
    );
  });
});
