import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ExtensionOffer,
  formatExtensions,
  isValidExtension,
  parseExtensionsHeader,
} from '../src/index.js';

function codeOf(result: ReturnType<typeof parseExtensionsHeader>) {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error.code;
}

describe('parseExtensionsHeader', () => {
  it('parses the RFC 7692 offer forms', () => {
    expect(
      parseExtensionsHeader(
        'permessage-deflate; client_max_window_bits; server_max_window_bits=10, permessage-deflate',
      ),
    ).toEqual({
      ok: true,
      value: [
        {
          name: 'permessage-deflate',
          params: [
            { name: 'client_max_window_bits', value: null },
            { name: 'server_max_window_bits', value: '10' },
          ],
        },
        { name: 'permessage-deflate', params: [] },
      ],
    });
  });

  it('unescapes quoted values that are tokens (RFC 6455 §9.1)', () => {
    const result = parseExtensionsHeader('x; a="10"; b="\\t\\o\\k"; c = "v" ; d');
    expect(result).toEqual({
      ok: true,
      value: [
        {
          name: 'x',
          params: [
            { name: 'a', value: '10' },
            { name: 'b', value: 'tok' },
            { name: 'c', value: 'v' },
            { name: 'd', value: null },
          ],
        },
      ],
    });
  });

  it('skips empty list elements and surrounding whitespace (RFC 7230 §7)', () => {
    const result = parseExtensionsHeader(' , a ,, \t b;x , ');
    expect(result.ok && result.value.map((e) => e.name)).toEqual(['a', 'b']);
  });

  it('keeps duplicate parameters for the negotiator to judge', () => {
    const result = parseExtensionsHeader('a; p; p=1');
    expect(result.ok && result.value[0]!.params).toEqual([
      { name: 'p', value: null },
      { name: 'p', value: '1' },
    ]);
  });

  it.each([
    ['empty value', ''],
    ['only commas', ' , ,'],
    ['starts with ;', '; a'],
    ['missing parameter name', 'a; =1'],
    ['dangling ;', 'a;'],
    ['missing value', 'a; b='],
    ['space inside a name', 'a b'],
    ['quoted value with a space', 'a; b="x y"'],
    ['quoted value with a separator', 'a; b="x,y"'],
    ['empty quoted value', 'a; b=""'],
    ['unterminated quote', 'a; b="x'],
    ['escape at the end', 'a; b="x\\'],
    ['non-ASCII name', 'pérmessage'],
    ['non-ASCII quoted value', 'a; b="é"'],
    ['junk after a value', 'a; b=1 2'],
    ['quoted name', '"a"'],
  ])('rejects malformed input with BAD_EXTENSION: %s', (_name, value) => {
    expect(codeOf(parseExtensionsHeader(value))).toBe('BAD_EXTENSION');
  });

  describe('limits', () => {
    it('rejects a value longer than maxLength before scanning', () => {
      expect(codeOf(parseExtensionsHeader('a'.repeat(4097)))).toBe('HEADER_TOO_LONG');
      expect(parseExtensionsHeader('a'.repeat(4096)).ok).toBe(true);
    });

    it('rejects more than maxOffers extensions', () => {
      expect(parseExtensionsHeader(Array(16).fill('a').join(',')).ok).toBe(true);
      expect(codeOf(parseExtensionsHeader(Array(17).fill('a').join(',')))).toBe('TOO_MANY_EXTENSIONS');
    });

    it('rejects more than maxParams parameters in one offer', () => {
      expect(parseExtensionsHeader(`a${';p'.repeat(16)}`).ok).toBe(true);
      expect(codeOf(parseExtensionsHeader(`a${';p'.repeat(17)}`))).toBe('TOO_MANY_PARAMS');
    });

    it('answers adversarial inputs with an error value', () => {
      expect(codeOf(parseExtensionsHeader(','.repeat(100_000)))).toBe('HEADER_TOO_LONG');
      expect(codeOf(parseExtensionsHeader(`a${'; p=1'.repeat(10_000)}`))).toBe('HEADER_TOO_LONG');
      const unlimited = { maxLength: Number.POSITIVE_INFINITY };
      expect(codeOf(parseExtensionsHeader(','.repeat(100_000), unlimited))).toBe('BAD_EXTENSION');
      expect(codeOf(parseExtensionsHeader(`a${'; p=1'.repeat(10_000)}`, unlimited))).toBe('TOO_MANY_PARAMS');
      expect(codeOf(parseExtensionsHeader(`${'a, '.repeat(100_000)}a`, unlimited))).toBe(
        'TOO_MANY_EXTENSIONS',
      );
      expect(codeOf(parseExtensionsHeader(`a; b="${'\\x'.repeat(100_000)}`, unlimited))).toBe(
        'BAD_EXTENSION',
      );
    });
  });
});

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,10}$/);
const offer: fc.Arbitrary<ExtensionOffer> = fc.record({
  name: token,
  params: fc.array(fc.record({ name: token, value: fc.option(token, { nil: null }) }), { maxLength: 5 }),
});

describe('extension header properties', () => {
  it('format → parse round-trips any valid offer list', () => {
    fc.assert(
      fc.property(fc.array(offer, { minLength: 1, maxLength: 8 }), (offers) => {
        expect(offers.every(isValidExtension)).toBe(true);
        expect(parseExtensionsHeader(formatExtensions(offers))).toEqual({ ok: true, value: offers });
      }),
    );
  });

  it('parses quoted values the same as bare tokens', () => {
    fc.assert(
      fc.property(token, token, token, (name, param, value) => {
        const escaped = value
          .split('')
          .map((c, i) => (i % 2 === 0 ? `\\${c}` : c))
          .join('');
        expect(parseExtensionsHeader(`${name}; ${param}="${escaped}"`)).toEqual(
          parseExtensionsHeader(`${name}; ${param}=${value}`),
        );
      }),
    );
  });

  it('never throws and always finishes on arbitrary strings', () => {
    const alphabet = fc.constantFrom(...'ab;=,"\\ \t\x00é'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 80 }), (chars) => {
        const result = parseExtensionsHeader(chars.join(''));
        if (result.ok) expect(result.value.length).toBeGreaterThan(0);
        else expect(typeof result.error.code).toBe('string');
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (value) => {
        expect(() => parseExtensionsHeader(value)).not.toThrow();
      }),
    );
  });

  it('flags offers that would not format to a valid header', () => {
    expect(isValidExtension({ name: 'a b', params: [] })).toBe(false);
    expect(isValidExtension({ name: 'a', params: [{ name: 'p;', value: null }] })).toBe(false);
    expect(isValidExtension({ name: 'a', params: [{ name: 'p', value: 'x y' }] })).toBe(false);
    expect(isValidExtension({ name: 'a', params: [{ name: 'p', value: 'v' }] })).toBe(true);
  });
});
