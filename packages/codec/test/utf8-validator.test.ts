import { describe, expect, it } from 'vitest';
import { isValidUtf8, Utf8Validator } from '../src/utf8-validator.js';
import { hex } from './helpers.js';

const valid: [string, Buffer][] = [
  ['ASCII', Buffer.from('hello')],
  ['2-byte', hex('c2 a9')],
  ['3-byte', hex('e2 82 ac')],
  ['4-byte', hex('f0 9f 98 80')],
  ['U+10FFFF', hex('f4 8f bf bf')],
  ['U+D7FF and U+E000', hex('ed 9f bf ee 80 80')],
  ['mixed long text', Buffer.from('κόσμε — Parley 🎉 '.repeat(20))],
];

const invalid: [string, Buffer][] = [
  ['overlong 2-byte (C0 80)', hex('c0 80')],
  ['overlong 2-byte (C1 BF)', hex('c1 bf')],
  ['overlong 3-byte (E0 80 80)', hex('e0 80 80')],
  ['overlong 4-byte (F0 80 80 80)', hex('f0 80 80 80')],
  ['surrogate U+D800', hex('ed a0 80')],
  ['surrogate U+DFFF', hex('ed bf bf')],
  ['above U+10FFFF (F4 90 80 80)', hex('f4 90 80 80')],
  ['lead byte F5', hex('f5 80 80 80')],
  ['byte FF', hex('ff')],
  ['stray continuation', hex('80')],
  ['lead followed by ASCII', hex('c2 41')],
  [
    'bad byte after 16 valid bytes',
    Buffer.concat([Buffer.alloc(20, 0x61), hex('ed a0 80'), Buffer.alloc(20, 0x61)]),
  ],
];

const truncated: [string, Buffer][] = [
  ['2-byte cut', hex('c2')],
  ['3-byte cut after 2', hex('e2 82')],
  ['4-byte cut after 3', hex('f0 9f 98')],
  ['long text ending in a cut 4-byte sequence', Buffer.concat([Buffer.alloc(40, 0x61), hex('f0 9f')])],
];

function validate(chunks: Buffer[]): boolean {
  const validator = new Utf8Validator();
  for (const chunk of chunks) if (!validator.write(chunk)) return false;
  return validator.end();
}

function splitEvery(data: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out;
}

describe('Utf8Validator', () => {
  for (const [name, bytes] of valid) {
    it(`accepts ${name} whole and split at every byte`, () => {
      expect(validate([bytes])).toBe(true);
      expect(validate(splitEvery(bytes, 1))).toBe(true);
      expect(validate(splitEvery(bytes, 3))).toBe(true);
      expect(isValidUtf8(bytes)).toBe(true);
    });
  }

  for (const [name, bytes] of invalid) {
    it(`rejects ${name} whole and split at every byte`, () => {
      expect(validate([bytes])).toBe(false);
      expect(validate(splitEvery(bytes, 1))).toBe(false);
      expect(isValidUtf8(bytes)).toBe(false);
    });
  }

  for (const [name, bytes] of truncated) {
    it(`rejects ${name} only at the end of the message`, () => {
      const validator = new Utf8Validator();
      expect(validator.write(bytes)).toBe(true);
      expect(validator.incomplete).toBe(true);
      expect(validator.end()).toBe(false);
    });
  }

  it('fails on the first byte that makes the sequence impossible (fail fast)', () => {
    // ED A0 is already a surrogate: fail at the second byte, before the third arrives.
    const validator = new Utf8Validator();
    expect(validator.write(hex('ce ba e1 bd b9 cf 83 ce bc ce b5 ed'))).toBe(true);
    expect(validator.write(hex('a0'))).toBe(false);
    // F4 90 is above U+10FFFF at the second byte.
    const high = new Utf8Validator();
    expect(high.write(hex('f4'))).toBe(true);
    expect(high.write(hex('90'))).toBe(false);
    // An invalid tail in a long chunk fails in that chunk.
    const tail = new Utf8Validator();
    expect(tail.write(Buffer.concat([Buffer.alloc(30, 0x61), hex('f4 90')]))).toBe(false);
  });

  it('carries a code point split across pieces, including a long piece ending mid-sequence', () => {
    const validator = new Utf8Validator();
    expect(validator.write(Buffer.concat([Buffer.alloc(30, 0x61), hex('f0 9f')]))).toBe(true);
    expect(validator.write(hex('98'))).toBe(true);
    expect(validator.write(Buffer.concat([hex('80'), Buffer.alloc(30, 0x62)]))).toBe(true);
    expect(validator.end()).toBe(true);
    expect(validator.incomplete).toBe(false);
  });

  it('checks only the given range and resets between messages', () => {
    const validator = new Utf8Validator();
    expect(validator.write(hex('ff 61 62 ff'), 1, 3)).toBe(true);
    expect(validator.write(hex('e2'))).toBe(true);
    validator.reset();
    expect(validator.write(hex('61'))).toBe(true);
    expect(validator.end()).toBe(true);
  });
});
