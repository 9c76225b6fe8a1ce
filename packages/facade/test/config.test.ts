import { describe, expect, it } from 'vitest';
import { parseServerConfig, ServerConfigSchema } from '../src/config/server-config.js';

describe('ServerConfigSchema', () => {
  it('fills every default from an empty config', () => {
    const result = parseServerConfig({});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const config = result.value;
    expect(config.path).toBe('/');
    expect(config.port).toBe(0);
    expect(config.ping_interval).toBe(30_000);
    expect(config.max_payload).toBe(16 * 1024 * 1024);
    expect(config.per_message_deflate).toBe(false);
    expect(config.handshake_timeout).toBe(10_000);
    expect(config.max_connections).toBe(10_000);
    expect(config.backpressure).toEqual({
      high_water_mark: 64 * 1024,
      max_buffered: 4 * 1024 * 1024,
      policy: 'close',
      close_code: 1013,
      pause_reading: true,
    });
    expect(config.rate_limit).toBe(false);
    expect(config.tls).toBe(false);
    expect(config.allowed_origins).toBeNull();
    expect(config.listener).toBe('raw');
  });

  it('expands per_message_deflate: true into the documented options', () => {
    const config = ServerConfigSchema.parse({ per_message_deflate: true });
    expect(config.per_message_deflate).toEqual({
      threshold: 1024,
      server_no_context_takeover: false,
      client_no_context_takeover: false,
      server_max_window_bits: 15,
      client_max_window_bits: 15,
      mem_level: 8,
    });
  });

  it('keeps partial deflate options and fills the rest', () => {
    const config = ServerConfigSchema.parse({ per_message_deflate: { threshold: 0 } });
    expect(config.per_message_deflate).toMatchObject({ threshold: 0, server_max_window_bits: 15 });
  });

  it('names every bad field in one error value', () => {
    const result = parseServerConfig({
      port: 70000,
      path: 'chat',
      ping_interval: -1,
      per_message_deflate: { threshold: 'big' },
      backpressure: { policy: 'explode' },
      subprotocols: ['ok', 3],
      bogus: true,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INVALID_CONFIG');
    const paths = result.error.issues.map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining(['port', 'path', 'ping_interval', 'backpressure.policy', 'subprotocols[1]']),
    );
    expect(paths.some((path) => path.startsWith('per_message_deflate'))).toBe(true);
    expect(result.error.issues.some((issue) => issue.message.includes('bogus'))).toBe(true);
    for (const path of ['port', 'path', 'ping_interval', 'backpressure.policy']) {
      expect(result.error.message).toContain(path);
    }
  });

  it('rejects a non-function http_handler and a non-server attach_to', () => {
    const result = parseServerConfig({ http_handler: 'nope', attach_to: 42 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues.map((issue) => issue.path).sort()).toEqual(['attach_to', 'http_handler']);
  });

  it('accepts an undefined config as all defaults', () => {
    expect(parseServerConfig(undefined).ok).toBe(true);
  });
});
