import { describe, expect, it } from 'vitest';
import { type HeaderMap, MAX_ERROR_BODY_BYTES, validateServerResponse } from '../src/index.js';

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const OK_HEADERS: HeaderMap = {
  upgrade: 'websocket',
  connection: 'Upgrade',
  'sec-websocket-accept': 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
};

function check(headers: HeaderMap, protocols: string[] = [], status = 101) {
  const merged: HeaderMap = { ...OK_HEADERS, ...headers };
  for (const name of Object.keys(merged)) if (merged[name] === undefined) delete merged[name];
  return validateServerResponse({ status, headers: merged }, { key: KEY, protocols, perMessageDeflate: {} });
}

describe('validateServerResponse', () => {
  it('accepts the RFC 6455 §1.3 sample response', () => {
    expect(check({ 'sec-websocket-protocol': 'chat' }, ['chat', 'superchat'])).toEqual({
      ok: true,
      value: { protocol: 'chat', extensions: '', deflate: null },
    });
  });

  it('accepts no protocol even when some were offered', () => {
    expect(check({}, ['chat'])).toMatchObject({ ok: true, value: { protocol: null } });
  });

  it('accepts token lists and any case in Upgrade and Connection', () => {
    expect(check({ upgrade: 'WebSocket', connection: 'keep-alive, upgrade' }).ok).toBe(true);
  });

  it('reports a non-101 answer with status, headers and a bounded body', () => {
    const body = Buffer.alloc(MAX_ERROR_BODY_BYTES + 100, 0x61);
    const result = validateServerResponse(
      { status: 302, headers: { location: 'wss://elsewhere/' }, body },
      { key: KEY, protocols: [] },
    );
    if (result.ok) throw new Error('expected failure');
    expect(result.error).toMatchObject({
      code: 'UNEXPECTED_STATUS',
      status: 302,
      headers: { location: 'wss://elsewhere/' },
    });
    expect(result.error.body).toHaveLength(MAX_ERROR_BODY_BYTES);
  });

  it('gives an empty body when none was received', () => {
    const result = validateServerResponse({ status: 401, headers: {} }, { key: KEY, protocols: [] });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'UNEXPECTED_STATUS', status: 401, body: Buffer.alloc(0) },
    });
  });

  it.each([
    ['missing Upgrade', { upgrade: undefined }, 'BAD_UPGRADE'],
    ['wrong Upgrade', { upgrade: 'h2c' }, 'BAD_UPGRADE'],
    ['missing Connection', { connection: undefined }, 'BAD_UPGRADE'],
    ['wrong Connection', { connection: 'close' }, 'BAD_UPGRADE'],
    ['missing accept', { 'sec-websocket-accept': undefined }, 'BAD_ACCEPT'],
    ['wrong accept', { 'sec-websocket-accept': 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }, 'BAD_ACCEPT'],
    ['accept in other case', { 'sec-websocket-accept': 'S3PPLMBITXAQ9KYGZZHZRBK+XOO=' }, 'BAD_ACCEPT'],
    ['repeated accept', { 'sec-websocket-accept': ['s3pPLMBiTxaQ9kYGzzhZRbK+xOo=', 'x'] }, 'BAD_ACCEPT'],
    ['a protocol not offered', { 'sec-websocket-protocol': 'other' }, 'BAD_PROTOCOL'],
    ['a protocol list', { 'sec-websocket-protocol': 'chat, superchat' }, 'BAD_PROTOCOL'],
    ['an unknown extension', { 'sec-websocket-extensions': 'x-foo' }, 'BAD_EXTENSION'],
  ])('fails on %s', (_name, headers, code) => {
    expect(check(headers as HeaderMap, ['chat', 'superchat'])).toMatchObject({ ok: false, error: { code } });
  });

  it('returns the negotiated permessage-deflate parameters', () => {
    expect(check({ 'sec-websocket-extensions': 'permessage-deflate; client_max_window_bits=10' })).toEqual({
      ok: true,
      value: {
        protocol: null,
        extensions: 'permessage-deflate; client_max_window_bits=10',
        deflate: {
          serverNoContextTakeover: false,
          clientNoContextTakeover: false,
          serverMaxWindowBits: 15,
          clientMaxWindowBits: 10,
        },
      },
    });
  });

  it('fails on an extension when deflate was not offered', () => {
    const result = validateServerResponse(
      { status: 101, headers: { ...OK_HEADERS, 'sec-websocket-extensions': 'permessage-deflate' } },
      { key: KEY, protocols: [], perMessageDeflate: false },
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_EXTENSION' } });
  });
});
