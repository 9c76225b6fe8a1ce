import { describe, expect, it } from 'vitest';
import { type HeaderMap, type UpgradeRequestInput, validateUpgradeRequest } from '../src/index.js';

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const HEADERS: HeaderMap = {
  host: 'server.example.com',
  upgrade: 'websocket',
  connection: 'Upgrade',
  'sec-websocket-key': KEY,
  'sec-websocket-version': '13',
};

function request(headers: HeaderMap = {}, rest: Partial<UpgradeRequestInput> = {}): UpgradeRequestInput {
  const merged: HeaderMap = { ...HEADERS, ...headers };
  for (const name of Object.keys(merged)) if (merged[name] === undefined) delete merged[name];
  return { method: 'GET', httpVersion: '1.1', headers: merged, ...rest };
}

function rejectionOf(input: UpgradeRequestInput) {
  const result = validateUpgradeRequest(input);
  if (result.ok) throw new Error('expected a rejection');
  return result.error;
}

describe('validateUpgradeRequest', () => {
  it('accepts the RFC 6455 §1.3 sample request', () => {
    const result = validateUpgradeRequest(
      request({ origin: 'http://example.com', 'sec-websocket-protocol': 'chat, superchat' }),
    );
    expect(result).toEqual({
      ok: true,
      value: {
        key: KEY,
        protocols: ['chat', 'superchat'],
        extensionOffers: [],
        origin: 'http://example.com',
        host: 'server.example.com',
      },
    });
  });

  it('returns extension offers in the client order', () => {
    const result = validateUpgradeRequest(
      request({ 'sec-websocket-extensions': 'x-foo, permessage-deflate; client_max_window_bits' }),
    );
    expect(result.ok && result.value.extensionOffers.map((o) => o.name)).toEqual([
      'x-foo',
      'permessage-deflate',
    ]);
  });

  it('accepts token lists and any case in Upgrade and Connection', () => {
    const result = validateUpgradeRequest(
      request({ upgrade: 'foo/2, WebSocket', connection: ['keep-alive', 'UPGRADE'] }),
    );
    expect(result.ok).toBe(true);
  });

  it('accepts later HTTP versions', () => {
    expect(validateUpgradeRequest(request({}, { httpVersion: '1.2' })).ok).toBe(true);
    expect(validateUpgradeRequest(request({}, { httpVersion: '2' })).ok).toBe(true);
  });

  it('answers a method other than GET with 405 and Allow: GET', () => {
    expect(rejectionOf(request({}, { method: 'POST' }))).toMatchObject({
      status: 405,
      code: 'BAD_METHOD',
      headers: { Allow: 'GET' },
    });
    expect(rejectionOf(request({}, { method: 'get' })).status).toBe(405);
  });

  it.each(['1.0', '0.9', '', 'x.y', '1.', '.1'])('answers HTTP version %j with 400', (httpVersion) => {
    expect(rejectionOf(request({}, { httpVersion }))).toMatchObject({
      status: 400,
      code: 'BAD_HTTP_VERSION',
    });
  });

  it('requires a Host', () => {
    expect(rejectionOf(request({ host: undefined }))).toMatchObject({ status: 400, code: 'BAD_HOST' });
    expect(rejectionOf(request({ host: '' }))).toMatchObject({ status: 400, code: 'BAD_HOST' });
  });

  it.each([undefined, '', 'websocketx', 'h2c', 'web socket'])(
    'answers Upgrade %j with 426 and Upgrade: websocket',
    (upgrade) => {
      expect(rejectionOf(request({ upgrade }))).toMatchObject({
        status: 426,
        code: 'BAD_UPGRADE',
        headers: { Upgrade: 'websocket' },
      });
    },
  );

  it.each([undefined, 'keep-alive', 'upgraded', 'close'])('answers Connection %j with 400', (connection) => {
    expect(rejectionOf(request({ connection }))).toMatchObject({ status: 400, code: 'BAD_UPGRADE' });
  });

  it.each([undefined, '', '8', '12', '13, 8', ' 13x', '013'])(
    'answers Sec-WebSocket-Version %j with 426 and Sec-WebSocket-Version: 13',
    (version) => {
      expect(rejectionOf(request({ 'sec-websocket-version': version }))).toMatchObject({
        status: 426,
        code: 'BAD_WEBSOCKET_VERSION',
        headers: { 'Sec-WebSocket-Version': '13' },
      });
    },
  );

  it.each([undefined, '', 'abc', `${KEY}, ${KEY}`, Buffer.alloc(20).toString('base64')])(
    'answers Sec-WebSocket-Key %j with 400',
    (key) => {
      expect(rejectionOf(request({ 'sec-websocket-key': key }))).toMatchObject({
        status: 400,
        code: 'BAD_KEY',
      });
    },
  );

  it('refuses a request with a body', () => {
    expect(rejectionOf(request({ 'content-length': '5' }))).toMatchObject({
      status: 400,
      code: 'UNEXPECTED_BODY',
    });
    expect(rejectionOf(request({ 'transfer-encoding': 'chunked' }))).toMatchObject({
      status: 400,
      code: 'UNEXPECTED_BODY',
    });
    expect(validateUpgradeRequest(request({ 'content-length': '0' })).ok).toBe(true);
  });

  it('answers malformed or over-limit protocol headers with 400', () => {
    expect(rejectionOf(request({ 'sec-websocket-protocol': 'a b' }))).toMatchObject({
      status: 400,
      code: 'BAD_PROTOCOL',
    });
    expect(rejectionOf(request({ 'sec-websocket-protocol': 'a, a' }))).toMatchObject({
      status: 400,
      code: 'BAD_PROTOCOL',
    });
    expect(rejectionOf(request({ 'sec-websocket-protocol': ','.repeat(100_000) }))).toMatchObject({
      status: 400,
      code: 'HEADER_TOO_LONG',
    });
    const limited = validateUpgradeRequest(request({ 'sec-websocket-protocol': 'a, b, c' }), {
      protocols: { maxProtocols: 2 },
    });
    expect(limited).toMatchObject({ ok: false, error: { status: 400, code: 'TOO_MANY_PROTOCOLS' } });
  });

  it('joins protocol headers sent on several lines', () => {
    const result = validateUpgradeRequest(request({ 'sec-websocket-protocol': ['a', 'b'] }));
    expect(result.ok && result.value.protocols).toEqual(['a', 'b']);
  });

  it('answers malformed or over-limit extension headers with 400', () => {
    expect(rejectionOf(request({ 'sec-websocket-extensions': 'a;;' }))).toMatchObject({
      status: 400,
      code: 'BAD_EXTENSION',
    });
    expect(rejectionOf(request({ 'sec-websocket-extensions': `a${';p'.repeat(10_000)}` }))).toMatchObject({
      status: 400,
      code: 'HEADER_TOO_LONG',
    });
    const limited = validateUpgradeRequest(request({ 'sec-websocket-extensions': 'a;p;q' }), {
      extensions: { maxParams: 1 },
    });
    expect(limited).toMatchObject({ ok: false, error: { status: 400, code: 'TOO_MANY_PARAMS' } });
  });
});
