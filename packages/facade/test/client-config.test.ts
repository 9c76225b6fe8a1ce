import { describe, expect, it } from 'vitest';
import { parseClientConfig } from '../src/client/config.js';

describe('parseClientConfig', () => {
  it('fills in every documented default', () => {
    const result = parseClientConfig({ url: 'ws://127.0.0.1:9001/chat' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const config = result.value;
    expect(config.ping_interval).toBe(30_000);
    expect(config.handshake_timeout).toBe(10_000);
    expect(config.max_payload).toBe(100 * 1024 * 1024);
    expect(config.per_message_deflate).toBe(true);
    expect(config.reconnect).toEqual({
      enabled: true,
      min_wait: 100,
      max_wait: 10_000,
      factor: 2,
      jitter: 0.2,
    });
    expect(config.follow_redirects).toBe(false);
    expect(config.max_redirects).toBe(10);
    expect(config.proxy).toBe('env');
    expect(config.send_queue).toEqual({ max_messages: 1024, max_bytes: 4 * 1024 * 1024 });
    expect(config.tls.ca).toBe('system');
    expect(config.tls.check_hostname).toBe(true);
    expect(config.client_id).toMatch(/^client-[0-9a-f]{8}$/);
    expect(config.protocols).toEqual([]);
  });

  it('names every bad field in one error', () => {
    const result = parseClientConfig({
      url: 'ftp://example.com/',
      ping_interval: -5,
      reconnect: { min_wait: 'soon' },
      headers: { 'bad header': 'x' },
      unknown_key: 1,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INVALID_CONFIG');
    const paths = result.error.issues.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['url', 'ping_interval', 'reconnect.min_wait', '(config)']));
    expect(paths.some((path) => path.startsWith('headers'))).toBe(true);
    expect(result.error.message).toContain('url');
    expect(result.error.message).toContain('ping_interval');
  });

  it('rejects a URL with a fragment, header values with CR/LF and max_wait below min_wait', () => {
    const result = parseClientConfig({
      url: 'ws://host/path#frag',
      headers: { 'x-a': 'one\r\nInjected: yes' },
      reconnect: { min_wait: 500, max_wait: 100 },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.error.issues.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['url', 'headers.x-a', 'reconnect.max_wait']));
  });

  it('accepts deflate parameters, a TLS block and an explicit proxy', () => {
    const result = parseClientConfig({
      url: 'wss://example.com/',
      per_message_deflate: { client_no_context_takeover: true, server_max_window_bits: 10 },
      tls: { ca: '/tmp/ca.pem', servername: 'example.com' },
      proxy: 'http://user:pw@proxy.local:3128',
      reconnect: { enabled: false, max_retries: 3 },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.per_message_deflate).toEqual({
      client_no_context_takeover: true,
      server_no_context_takeover: false,
      client_max_window_bits: true,
      server_max_window_bits: 10,
      threshold: 1024,
    });
    expect(result.value.reconnect.max_retries).toBe(3);
    expect(result.value.tls.check_hostname).toBe(true);
  });

  it('refuses a non-http proxy URL', () => {
    const result = parseClientConfig({ url: 'ws://a/', proxy: 'socks5://proxy:1080' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.issues[0]?.path).toBe('proxy');
      expect(result.error.message).toContain("must be false, 'env' or an http:// or https:// proxy URL");
    }
  });

  it('accepts an https:// proxy with a proxy_tls block; proxy_tls defaults to the system store', () => {
    const defaults = parseClientConfig({ url: 'ws://a/' });
    expect(defaults.ok && defaults.value.proxy_tls).toEqual({ ca: 'system', check_hostname: true });
    const result = parseClientConfig({
      url: 'wss://a/',
      proxy: 'https://user:pw@proxy.local:8443',
      proxy_tls: { ca: '/etc/proxy-ca.pem', servername: 'proxy.corp', check_hostname: false },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.proxy).toBe('https://user:pw@proxy.local:8443');
    expect(result.value.proxy_tls).toEqual({
      ca: '/etc/proxy-ca.pem',
      servername: 'proxy.corp',
      check_hostname: false,
    });
  });

  it('keeps proxy_tls strict and names each bad field', () => {
    const result = parseClientConfig({
      url: 'ws://a/',
      proxy_tls: { ca: '', check_hostname: 'yes', cert: '/tmp/c.pem' },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.error.issues.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['proxy_tls.ca', 'proxy_tls.check_hostname']));
    expect(result.error.message).toMatch(/proxy_tls.*cert/);
  });
});
