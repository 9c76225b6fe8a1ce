import { describe, expect, it } from 'vitest';
import {
  type ExtensionOffer,
  negotiatePerMessageDeflate,
  type PerMessageDeflateServerOptions,
  parseExtensionsHeader,
  parseWindowBits,
} from '../src/index.js';

function offers(header: string): ExtensionOffer[] {
  const parsed = parseExtensionsHeader(header);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

function agree(header: string, options: PerMessageDeflateServerOptions = {}) {
  const result = negotiatePerMessageDeflate(offers(header), options);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

const DEFAULT_PARAMS = {
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
};

describe('negotiatePerMessageDeflate (RFC 7692 §7.1)', () => {
  it('accepts a plain offer with default parameters', () => {
    expect(agree('permessage-deflate')).toEqual({
      params: DEFAULT_PARAMS,
      responseHeader: 'permessage-deflate',
    });
  });

  it('declines everything when disabled', () => {
    expect(negotiatePerMessageDeflate(offers('permessage-deflate'), false)).toEqual({
      ok: true,
      value: null,
    });
  });

  it('ignores other extensions and answers null when none is permessage-deflate', () => {
    expect(agree('x-webkit-deflate-frame, foo; bar')).toBe(null);
    expect(agree('foo, permessage-deflate')?.responseHeader).toBe('permessage-deflate');
  });

  it('accepts the first acceptable offer in the client order', () => {
    const agreement = agree(
      'permessage-deflate; server_max_window_bits=10; client_max_window_bits, permessage-deflate',
    );
    expect(agreement).toEqual({
      params: { ...DEFAULT_PARAMS, serverMaxWindowBits: 10 },
      responseHeader: 'permessage-deflate; server_max_window_bits=10',
    });
  });

  it.each([
    ['an unknown parameter', 'permessage-deflate; foo'],
    ['a repeated parameter', 'permessage-deflate; server_no_context_takeover; server_no_context_takeover'],
    ['a value on server_no_context_takeover', 'permessage-deflate; server_no_context_takeover=1'],
    ['a value on client_no_context_takeover', 'permessage-deflate; client_no_context_takeover=1'],
    ['server_max_window_bits without value', 'permessage-deflate; server_max_window_bits'],
    ['server_max_window_bits=7', 'permessage-deflate; server_max_window_bits=7'],
    ['server_max_window_bits=16', 'permessage-deflate; server_max_window_bits=16'],
    ['server_max_window_bits=010', 'permessage-deflate; server_max_window_bits=010'],
    ['client_max_window_bits=abc', 'permessage-deflate; client_max_window_bits=abc'],
  ])('declines (does not fail) an offer with %s and falls through to the next', (_name, header) => {
    expect(agree(header)).toBe(null);
    expect(agree(`${header}, permessage-deflate`)?.responseHeader).toBe('permessage-deflate');
  });

  it('honours server_max_window_bits=8 (our 9-bit deflater never reaches back past 250 bytes)', () => {
    expect(agree('permessage-deflate; server_max_window_bits=8')).toEqual({
      params: { ...DEFAULT_PARAMS, serverMaxWindowBits: 8 },
      responseHeader: 'permessage-deflate; server_max_window_bits=8',
    });
  });

  it('honours server_max_window_bits from the offer and echoes it', () => {
    expect(agree('permessage-deflate; server_max_window_bits=9')).toEqual({
      params: { ...DEFAULT_PARAMS, serverMaxWindowBits: 9 },
      responseHeader: 'permessage-deflate; server_max_window_bits=9',
    });
  });

  it('uses the smaller of the offered and configured server window', () => {
    expect(agree('permessage-deflate; server_max_window_bits=12', { serverMaxWindowBits: 10 })).toEqual({
      params: { ...DEFAULT_PARAMS, serverMaxWindowBits: 10 },
      responseHeader: 'permessage-deflate; server_max_window_bits=10',
    });
    expect(
      agree('permessage-deflate; server_max_window_bits=9', { serverMaxWindowBits: 10 })?.params,
    ).toMatchObject({ serverMaxWindowBits: 9 });
  });

  it('uses a configured smaller server window silently when the client did not offer the parameter', () => {
    expect(agree('permessage-deflate', { serverMaxWindowBits: 11 })).toEqual({
      params: { ...DEFAULT_PARAMS, serverMaxWindowBits: 11 },
      responseHeader: 'permessage-deflate',
    });
  });

  it('sets client_max_window_bits only when the client offered it', () => {
    expect(agree('permessage-deflate; client_max_window_bits', { clientMaxWindowBits: 12 })).toEqual({
      params: { ...DEFAULT_PARAMS, clientMaxWindowBits: 12 },
      responseHeader: 'permessage-deflate; client_max_window_bits=12',
    });
    expect(agree('permessage-deflate; client_max_window_bits')).toEqual({
      params: DEFAULT_PARAMS,
      responseHeader: 'permessage-deflate',
    });
  });

  it('echoes an offered client_max_window_bits value, capped by the configuration', () => {
    expect(agree('permessage-deflate; client_max_window_bits=10')).toEqual({
      params: { ...DEFAULT_PARAMS, clientMaxWindowBits: 10 },
      responseHeader: 'permessage-deflate; client_max_window_bits=10',
    });
    expect(agree('permessage-deflate; client_max_window_bits=14', { clientMaxWindowBits: 9 })).toEqual({
      params: { ...DEFAULT_PARAMS, clientMaxWindowBits: 9 },
      responseHeader: 'permessage-deflate; client_max_window_bits=9',
    });
    expect(agree('permessage-deflate; client_max_window_bits=8')?.params.clientMaxWindowBits).toBe(8);
  });

  it('declines an offer that cannot take a configured client window limit', () => {
    expect(agree('permessage-deflate', { clientMaxWindowBits: 10 })).toBe(null);
    expect(agree('permessage-deflate', { clientMaxWindowBits: 15 })?.params).toEqual(DEFAULT_PARAMS);
  });

  it('grants and imposes no_context_takeover', () => {
    expect(agree('permessage-deflate; server_no_context_takeover; client_no_context_takeover')).toEqual({
      params: { ...DEFAULT_PARAMS, serverNoContextTakeover: true, clientNoContextTakeover: true },
      responseHeader: 'permessage-deflate; server_no_context_takeover; client_no_context_takeover',
    });
    expect(
      agree('permessage-deflate', { serverNoContextTakeover: true, clientNoContextTakeover: true })
        ?.responseHeader,
    ).toBe('permessage-deflate; server_no_context_takeover; client_no_context_takeover');
  });

  it('builds the full response in a fixed parameter order', () => {
    expect(
      agree(
        'permessage-deflate; client_max_window_bits; server_max_window_bits=10; client_no_context_takeover',
        { serverNoContextTakeover: true, clientMaxWindowBits: 11 },
      )?.responseHeader,
    ).toBe(
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; ' +
        'client_max_window_bits=11',
    );
  });

  it.each([
    [{ serverMaxWindowBits: 7 }],
    [{ serverMaxWindowBits: 16 }],
    [{ serverMaxWindowBits: 10.5 }],
    [{ clientMaxWindowBits: 7 }],
    [{ clientMaxWindowBits: Number.NaN }],
  ])('reports invalid options %j as a 500 configuration error', (options) => {
    expect(negotiatePerMessageDeflate(offers('permessage-deflate'), options)).toMatchObject({
      ok: false,
      error: { status: 500, code: 'INVALID_OPTIONS' },
    });
  });

  it('parses window bits strictly', () => {
    expect(['8', '9', '10', '15'].map(parseWindowBits)).toEqual([8, 9, 10, 15]);
    for (const bad of ['', '7', '16', '08', '1', '1a', '19', ' 9', '100', 'x']) {
      expect(parseWindowBits(bad)).toBe(undefined);
    }
  });
});
