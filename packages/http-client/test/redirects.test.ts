import { describe, expect, it } from 'vitest';
import { type Hop, nextHop } from '../src/redirects.js';

const post: Hop = {
  url: new URL('http://a.example/form'),
  method: 'POST',
  headers: { 'content-type': 'text/plain', authorization: 'Bearer t', cookie: 'c=1', 'x-trace': '7' },
  body: 'data',
};

function hop(status: number, location: string, from: Hop = post): Hop {
  const result = nextHop(from, status, location);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describe('nextHop', () => {
  it('resolves relative locations against the current URL', () => {
    expect(hop(307, '../up?q=1').url.href).toBe('http://a.example/up?q=1');
  });

  it('303, and 301/302 after POST, become GET without body or content headers', () => {
    for (const status of [301, 302, 303]) {
      const next = hop(status, '/done');
      expect(next.method).toBe('GET');
      expect(next.body).toBeUndefined();
      expect(next.headers['content-type']).toBeUndefined();
      expect(next.headers['x-trace']).toBe('7');
    }
  });

  it('307 and 308 repeat method and body', () => {
    for (const status of [307, 308]) {
      const next = hop(status, '/again');
      expect(next.method).toBe('POST');
      expect(next.body).toBe('data');
      expect(next.headers.authorization).toBe('Bearer t');
    }
  });

  it('302 after GET stays GET; HEAD stays HEAD on 303', () => {
    expect(hop(302, '/x', { ...post, method: 'GET', body: undefined }).method).toBe('GET');
    expect(hop(303, '/x', { ...post, method: 'HEAD', body: undefined }).method).toBe('HEAD');
  });

  it('drops credentials across origins, keeps them within one', () => {
    const away = hop(307, 'http://b.example/');
    expect(away.headers.authorization).toBeUndefined();
    expect(away.headers.cookie).toBeUndefined();
    expect(away.headers['x-trace']).toBe('7');
    expect(hop(307, 'http://a.example/other').headers.cookie).toBe('c=1');
  });

  it('refuses https to http, other schemes and garbage', () => {
    const secure = { ...post, url: new URL('https://a.example/') };
    const down = nextHop(secure, 302, 'http://a.example/');
    expect(down.ok ? 'ok' : down.error.code).toBe('INSECURE_REDIRECT');
    const scheme = nextHop(post, 302, 'file:///etc/passwd');
    expect(scheme.ok ? 'ok' : scheme.error.code).toBe('BAD_RESPONSE');
    const garbage = nextHop(post, 302, 'http://[::1');
    expect(garbage.ok ? 'ok' : garbage.error.code).toBe('BAD_RESPONSE');
  });
});
