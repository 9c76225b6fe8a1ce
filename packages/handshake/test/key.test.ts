import { describe, expect, it } from 'vitest';
import { computeAccept, generateKey, isValidKey, WEBSOCKET_GUID } from '../src/index.js';

describe('Sec-WebSocket-Key / Accept', () => {
  it('computes the RFC 6455 §1.3 sample accept value', () => {
    expect(computeAccept('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('uses the GUID from RFC 6455 §1.3', () => {
    expect(WEBSOCKET_GUID).toBe('258EAFA5-E914-47DA-95CA-C5AB0DC85B11');
  });

  it('generates keys that decode to 16 bytes and differ each time', () => {
    const keys = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const key = generateKey();
      expect(Buffer.from(key, 'base64')).toHaveLength(16);
      expect(isValidKey(key)).toBe(true);
      keys.add(key);
    }
    expect(keys.size).toBe(50);
  });

  it('accepts the canonical base64 of any 16 bytes', () => {
    for (const last of [0x00, 0x10, 0x20, 0x30, 0xff]) {
      const bytes = Buffer.alloc(16, 0xab);
      bytes[15] = last;
      expect(isValidKey(bytes.toString('base64'))).toBe(true);
    }
  });

  it.each([
    ['empty', ''],
    ['15 bytes', Buffer.alloc(15).toString('base64')],
    ['17 bytes', Buffer.alloc(17).toString('base64')],
    ['missing padding', 'dGhlIHNhbXBsZSBub25jZQ'],
    ['one padding char', 'dGhlIHNhbXBsZSBub25jZQ=A'],
    ['non-canonical last char', 'dGhlIHNhbXBsZSBub25jZR=='],
    ['invalid character', 'dGhlIHNhbXBsZSBub25j*Q=='],
    ['base64url alphabet', 'dGhlIHNhbXBsZSBub25j-Q=='],
    ['whitespace', ' dGhlIHNhbXBsZSBub25jZQ='],
  ])('rejects a key that is not base64 of 16 bytes: %s', (_name, key) => {
    expect(isValidKey(key)).toBe(false);
  });
});
