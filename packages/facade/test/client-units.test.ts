import { describe, expect, it, vi } from 'vitest';
import { failureFromTransport } from '../src/client/transport-failure.js';
import { TypedEmitter } from '../src/client/typed-emitter.js';
import { deflateOffer, toWebSocketUrl } from '../src/client/upgrade.js';

describe('failureFromTransport', () => {
  it.each([
    ['ECONNREFUSED', 'CONNECTION_REFUSED', 'connection refused: '],
    ['ENOTFOUND', 'DNS_FAILED', 'DNS lookup failed: '],
    ['EHOSTUNREACH', 'NETWORK_UNREACHABLE', 'network unreachable: '],
    ['EADDRNOTAVAIL', 'NETWORK_UNREACHABLE', 'network unreachable: '],
    ['EACCES', 'NETWORK_UNREACHABLE', 'network unreachable: '],
    ['ECONNRESET', 'CONNECTION_RESET', 'connection reset by peer: '],
    ['EPIPE', 'CONNECTION_RESET', 'connection reset by peer: '],
    ['ETIMEDOUT', 'HANDSHAKE_TIMEOUT', 'handshake timeout: '],
    ['ABORTED', 'HANDSHAKE_TIMEOUT', 'handshake timeout: '],
    ['TLS_CERT_INVALID', 'TLS_FAILED', 'TLS: certificate invalid: '],
    ['HOSTNAME_MISMATCH', 'TLS_FAILED', 'TLS: certificate does not match the host name: '],
    ['CLIENT_CERT_REQUIRED', 'TLS_FAILED', 'TLS: client certificate required: '],
    ['TLS_HANDSHAKE_FAILED', 'TLS_FAILED', 'TLS: handshake failed: '],
    ['TLS_CONFIG_INVALID', 'TLS_FAILED', 'TLS: invalid configuration: '],
    ['UNKNOWN', 'HANDSHAKE_FAILED', 'connection failed: '],
  ])('%s becomes %s with a readable prefix', (code, expected, prefix) => {
    const transportError = { code, message: `transport said ${code}` };
    const failure = failureFromTransport(transportError);
    expect(failure.code).toBe(expected);
    expect(failure.message).toBe(`${prefix}transport said ${code}`);
    expect(failure.cause).toBe(transportError);
  });
});

describe('TypedEmitter', () => {
  class Events extends TypedEmitter<{ ping: (n: number) => void }> {
    fire(n: number): void {
      this.emit('ping', n);
    }
  }

  it('calls listeners in order; once runs one time; off removes', () => {
    const events = new Events();
    const seen: string[] = [];
    const a = (n: number): void => void seen.push(`a${n}`);
    events.on('ping', a);
    events.once('ping', (n) => seen.push(`once${n}`));
    events.fire(1);
    events.fire(2);
    events.off('ping', a);
    events.fire(3);
    expect(seen).toEqual(['a1', 'once1', 'a2']);
    expect(events.listenerCount('ping')).toBe(0);
    events.off('ping', a); // removing twice is harmless
  });

  it('a throwing listener does not stop the others; the error is rethrown asynchronously', async () => {
    const events = new Events();
    const seen: number[] = [];
    const rethrown = new Promise<unknown>((resolve) => {
      const spy = vi.spyOn(globalThis, 'queueMicrotask').mockImplementationOnce((task) => {
        spy.mockRestore();
        try {
          task();
        } catch (error) {
          resolve(error);
        }
      });
    });
    events.on('ping', () => {
      throw new Error('listener bug');
    });
    events.on('ping', (n) => seen.push(n));
    events.fire(7);
    expect(seen).toEqual([7]);
    expect(((await rethrown) as Error).message).toBe('listener bug');
  });
});

describe('upgrade helpers', () => {
  it('toWebSocketUrl maps http(s) to ws(s), resolves relative URLs and drops fragments', () => {
    expect(toWebSocketUrl('http://a/x').href).toBe('ws://a/x');
    expect(toWebSocketUrl('https://a/x#f').href).toBe('wss://a/x');
    expect(toWebSocketUrl('/y?q=1', new URL('wss://b:8443/x')).href).toBe('wss://b:8443/y?q=1');
  });

  it('deflateOffer turns the config into the handshake offer', () => {
    expect(deflateOffer(false)).toBe(false);
    expect(deflateOffer(true)).toEqual({ clientMaxWindowBits: true });
    expect(
      deflateOffer({
        client_no_context_takeover: true,
        server_no_context_takeover: false,
        client_max_window_bits: 12,
        server_max_window_bits: 10,
        threshold: 0,
      }),
    ).toEqual({
      clientNoContextTakeover: true,
      serverNoContextTakeover: false,
      clientMaxWindowBits: 12,
      serverMaxWindowBits: 10,
    });
  });
});
