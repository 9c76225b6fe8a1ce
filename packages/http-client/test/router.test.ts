import { describe, expect, it } from 'vitest';
import type { Handler } from '../src/index.js';
import { Router } from '../src/server/router.js';

const a: Handler = () => {};
const b: Handler = () => {};
const c: Handler = () => {};

describe('Router', () => {
  const router = new Router([
    { method: 'GET', path: '/exact', handler: a },
    { method: ['post', 'PUT'], path: '/api', match: 'prefix', handler: b },
    { method: '*', path: '/any', handler: c },
  ]);

  it('matches exact paths only exactly', () => {
    expect(router.lookup('GET', '/exact')).toEqual({ kind: 'found', handler: a });
    expect(router.lookup('GET', '/exact/')).toEqual({ kind: 'none' });
    expect(router.lookup('GET', '/exactly')).toEqual({ kind: 'none' });
  });

  it('answers HEAD with the GET route', () => {
    expect(router.lookup('HEAD', '/exact')).toEqual({ kind: 'found', handler: a });
  });

  it('matches prefixes at segment boundaries', () => {
    expect(router.lookup('POST', '/api')).toEqual({ kind: 'found', handler: b });
    expect(router.lookup('PUT', '/api/rooms/1')).toEqual({ kind: 'found', handler: b });
    expect(router.lookup('POST', '/apix')).toEqual({ kind: 'none' });
  });

  it('reports the allowed methods when only the method is wrong', () => {
    expect(router.lookup('DELETE', '/api/x')).toEqual({ kind: 'method-not-allowed', allow: ['POST', 'PUT'] });
    expect(router.lookup('POST', '/exact')).toEqual({ kind: 'method-not-allowed', allow: ['GET', 'HEAD'] });
  });

  it('"*" takes every method', () => {
    expect(router.lookup('PATCH', '/any')).toEqual({ kind: 'found', handler: c });
  });

  it('first matching route wins', () => {
    const first = new Router([
      { method: 'GET', path: '/', match: 'prefix', handler: a },
      { method: 'GET', path: '/x', handler: b },
    ]);
    expect(first.lookup('GET', '/x')).toEqual({ kind: 'found', handler: a });
  });
});
