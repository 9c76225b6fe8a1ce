import { describe, expect, it } from 'vitest';
import { isExcluded, resolveProxy } from '../src/client/proxy-env.js';

const ws = new URL('ws://api.example.com/socket');
const wss = new URL('wss://api.example.com/socket');

describe('resolveProxy', () => {
  it('uses HTTP_PROXY for ws:// and HTTPS_PROXY for wss://', () => {
    const env = { HTTP_PROXY: 'http://plain:3128', HTTPS_PROXY: 'http://secure:3129' };
    expect(resolveProxy(ws, 'env', env)?.host).toBe('plain:3128');
    expect(resolveProxy(wss, 'env', env)?.host).toBe('secure:3129');
  });

  it('accepts https:// proxies (TLS to the proxy) for both schemes', () => {
    const env = { HTTP_PROXY: 'https://plain:3128', HTTPS_PROXY: 'https://user:pw@secure' };
    expect(resolveProxy(ws, 'env', env)?.href).toBe('https://plain:3128/');
    const secure = resolveProxy(wss, 'env', env);
    expect(secure?.protocol).toBe('https:');
    expect(secure?.username).toBe('user');
    expect(resolveProxy(wss, 'env', { ...env, NO_PROXY: 'example.com' })).toBeNull();
  });

  it('prefers lowercase variables and accepts a proxy without scheme', () => {
    const env = { https_proxy: 'lower:8080', HTTPS_PROXY: 'http://upper:8080' };
    expect(resolveProxy(wss, 'env', env)?.href).toBe('http://lower:8080/');
  });

  it('returns null when nothing is set, when disabled, or for a non-http proxy', () => {
    expect(resolveProxy(ws, 'env', {})).toBeNull();
    expect(resolveProxy(ws, false, { HTTP_PROXY: 'http://p:1' })).toBeNull();
    expect(resolveProxy(ws, 'env', { HTTP_PROXY: 'socks5://p:1' })).toBeNull();
    expect(resolveProxy(ws, 'env', { HTTP_PROXY: '   ' })).toBeNull();
  });

  it('an explicit proxy ignores the environment and NO_PROXY', () => {
    const env = { NO_PROXY: '*', HTTP_PROXY: 'http://env:1' };
    expect(resolveProxy(ws, 'http://explicit:3128', env)?.hostname).toBe('explicit');
  });

  it('keeps credentials from the proxy URL', () => {
    const proxy = resolveProxy(ws, 'env', { HTTP_PROXY: 'http://user:p%40ss@proxy:3128' });
    expect(proxy?.username).toBe('user');
    expect(decodeURIComponent(proxy?.password ?? '')).toBe('p@ss');
  });

  it('skips hosts listed in NO_PROXY', () => {
    const env = { HTTP_PROXY: 'http://proxy:3128', no_proxy: 'localhost, .example.com' };
    expect(resolveProxy(ws, 'env', env)).toBeNull();
    expect(resolveProxy(new URL('ws://other.org/'), 'env', env)?.hostname).toBe('proxy');
  });
});

describe('isExcluded (NO_PROXY matching)', () => {
  it('matches a domain and its subdomains, not look-alikes', () => {
    expect(isExcluded(new URL('ws://example.com/'), 'example.com')).toBe(true);
    expect(isExcluded(new URL('ws://a.b.example.com/'), 'example.com')).toBe(true);
    expect(isExcluded(new URL('ws://badexample.com/'), 'example.com')).toBe(false);
    expect(isExcluded(new URL('ws://a.example.com/'), '*.example.com')).toBe(true);
    expect(isExcluded(new URL('ws://a.example.com/'), '.example.com')).toBe(true);
  });

  it('treats * as everything and ignores empty entries', () => {
    expect(isExcluded(new URL('ws://anything/'), '*')).toBe(true);
    expect(isExcluded(new URL('ws://anything/'), ' , ,')).toBe(false);
  });

  it('respects ports in entries, including the scheme default', () => {
    expect(isExcluded(new URL('ws://host:8080/'), 'host:8080')).toBe(true);
    expect(isExcluded(new URL('ws://host:8081/'), 'host:8080')).toBe(false);
    expect(isExcluded(new URL('wss://host/'), 'host:443')).toBe(true);
    expect(isExcluded(new URL('ws://host/'), 'host:443')).toBe(false);
  });

  it('matches IP addresses, IPv6 included', () => {
    expect(isExcluded(new URL('ws://127.0.0.1:9/'), '127.0.0.1')).toBe(true);
    expect(isExcluded(new URL('ws://[::1]:9/'), '::1')).toBe(true);
    expect(isExcluded(new URL('ws://[::1]:9/'), '[::1]:9')).toBe(true);
    expect(isExcluded(new URL('ws://[::1]:9/'), '[::1]:10')).toBe(false);
  });
});
