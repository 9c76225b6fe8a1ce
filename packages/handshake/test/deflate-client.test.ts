import { describe, expect, it } from 'vitest';
import {
  formatPerMessageDeflateOffer,
  type PerMessageDeflateOffer,
  validateDeflateResponse,
} from '../src/index.js';

const DEFAULT_PARAMS = {
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
};

function params(header: string | undefined, offer: PerMessageDeflateOffer | false = {}) {
  const result = validateDeflateResponse(header, offer);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

function failure(header: string, offer: PerMessageDeflateOffer | false = {}) {
  const result = validateDeflateResponse(header, offer);
  if (result.ok) throw new Error(`expected failure, got ${JSON.stringify(result.value)}`);
  return result.error.code;
}

describe('formatPerMessageDeflateOffer', () => {
  it('offers client_max_window_bits without a value by default', () => {
    expect(formatPerMessageDeflateOffer({})).toEqual({
      ok: true,
      value: 'permessage-deflate; client_max_window_bits',
    });
  });

  it('leaves client_max_window_bits out when false', () => {
    expect(formatPerMessageDeflateOffer({ clientMaxWindowBits: false })).toEqual({
      ok: true,
      value: 'permessage-deflate',
    });
  });

  it.each([
    [{ serverMaxWindowBits: 7 }],
    [{ serverMaxWindowBits: 16 }],
    [{ clientMaxWindowBits: 16 }],
    [{ clientMaxWindowBits: 9.5 }],
  ])('refuses %j', (offer) => {
    expect(formatPerMessageDeflateOffer(offer)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_OPTIONS' },
    });
  });
});

describe('validateDeflateResponse', () => {
  it('answers null when the server declined', () => {
    expect(params(undefined)).toBe(null);
    expect(params(undefined, false)).toBe(null);
  });

  it('accepts a bare permessage-deflate', () => {
    expect(params('permessage-deflate')).toEqual(DEFAULT_PARAMS);
  });

  it('accepts the parameters a server may always add', () => {
    expect(
      params(
        'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9',
      ),
    ).toEqual({
      ...DEFAULT_PARAMS,
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
      serverMaxWindowBits: 9,
    });
  });

  it('applies client_max_window_bits when we offered it', () => {
    expect(params('permessage-deflate; client_max_window_bits=10')).toMatchObject({
      clientMaxWindowBits: 10,
    });
    expect(
      params('permessage-deflate; client_max_window_bits=10', { clientMaxWindowBits: 12 }),
    ).toMatchObject({
      clientMaxWindowBits: 10,
    });
    expect(params('permessage-deflate', { clientMaxWindowBits: 12 })).toMatchObject({
      clientMaxWindowBits: 12,
    });
  });

  it('keeps our own client_no_context_takeover promise', () => {
    expect(params('permessage-deflate', { clientNoContextTakeover: true })).toMatchObject({
      clientNoContextTakeover: true,
    });
  });

  it('accepts the server echoing requested parameters', () => {
    expect(
      params('permessage-deflate; server_no_context_takeover; server_max_window_bits=10', {
        serverNoContextTakeover: true,
        serverMaxWindowBits: 12,
      }),
    ).toEqual({ ...DEFAULT_PARAMS, serverNoContextTakeover: true, serverMaxWindowBits: 10 });
  });

  it.each([
    ['an extension when none was offered', 'permessage-deflate', false],
    ['an unknown extension', 'x-foo', {}],
    ['two extensions', 'permessage-deflate, permessage-deflate', {}],
    ['an unknown parameter', 'permessage-deflate; foo', {}],
    ['a repeated parameter', 'permessage-deflate; server_max_window_bits=9; server_max_window_bits=9', {}],
    ['client_max_window_bits without value', 'permessage-deflate; client_max_window_bits', {}],
    [
      'client_max_window_bits not offered',
      'permessage-deflate; client_max_window_bits=9',
      { clientMaxWindowBits: false },
    ],
    [
      'client_max_window_bits above the offer',
      'permessage-deflate; client_max_window_bits=13',
      { clientMaxWindowBits: 12 },
    ],
    [
      'server_max_window_bits above the offer',
      'permessage-deflate; server_max_window_bits=13',
      { serverMaxWindowBits: 12 },
    ],
    ['a dropped server_max_window_bits', 'permessage-deflate', { serverMaxWindowBits: 12 }],
    ['a dropped server_no_context_takeover', 'permessage-deflate', { serverNoContextTakeover: true }],
    ['an invalid window value', 'permessage-deflate; server_max_window_bits=16', {}],
    ['a malformed header', 'permessage-deflate;;', {}],
  ] as const)('fails on %s', (_name, header, offer) => {
    expect(failure(header, offer)).toBe('BAD_EXTENSION');
  });
});
