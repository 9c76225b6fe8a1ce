import { describe, expect, it } from 'vitest';
import { detachHeaderValues, detachString } from '../src/server/detach-strings.js';

describe('detachString / detachHeaderValues', () => {
  it('keeps every value equal, short and long, including non-latin1 text', () => {
    const head = 'GET /chat HTTP/1.1\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';
    const key = head.slice(39, 63);
    expect(detachString(key)).toBe('dGhlIHNhbXBsZSBub25jZQ==');
    expect(detachString('/')).toBe('/');
    expect(detachString('ünïcødé ☃ value, long enough')).toBe('ünïcødé ☃ value, long enough');
    expect(detachString('"quoted\\\\ and \n escaped"')).toBe('"quoted\\\\ and \n escaped"');
  });

  it('replaces values in place, arrays element by element, and returns the same map', () => {
    const headers: Record<string, string | string[] | undefined> = {
      host: 'example.com:8080',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'x-many': ['first value that is long', 'b'],
      'x-absent': undefined,
    };
    const result = detachHeaderValues(headers);
    expect(result).toBe(headers);
    expect(result).toEqual({
      host: 'example.com:8080',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'x-many': ['first value that is long', 'b'],
      'x-absent': undefined,
    });
  });
});
