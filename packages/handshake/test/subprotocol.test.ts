import { describe, expect, it } from 'vitest';
import { headerValue, listHasToken, negotiateSubprotocol } from '../src/index.js';

describe('negotiateSubprotocol', () => {
  it('uses the server preference order with a list', () => {
    expect(negotiateSubprotocol(['chat', 'superchat'], ['superchat', 'chat'])).toBe('superchat');
    expect(negotiateSubprotocol(['chat', 'superchat'], ['chat', 'superchat'])).toBe('chat');
  });

  it('answers null when nothing matches or nothing was offered', () => {
    expect(negotiateSubprotocol(['a'], ['b'])).toBe(null);
    expect(negotiateSubprotocol([], ['b'])).toBe(null);
    expect(negotiateSubprotocol([], () => 'x')).toBe(null);
  });

  it('matches case-sensitively', () => {
    expect(negotiateSubprotocol(['Chat'], ['chat'])).toBe(null);
  });

  it('lets a selector choose among the offered protocols', () => {
    const offered = ['v1', 'v2'];
    expect(negotiateSubprotocol(offered, (list) => list[list.length - 1] ?? null)).toBe('v2');
    expect(negotiateSubprotocol(offered, () => null)).toBe(null);
  });

  it('ignores a selector answer the client did not offer', () => {
    expect(negotiateSubprotocol(['v1'], () => 'v3')).toBe(null);
  });

  it('hands the selector a copy it cannot use to corrupt the offer', () => {
    const offered = ['v1'];
    expect(
      negotiateSubprotocol(offered, (list) => {
        list.push('evil');
        return 'evil';
      }),
    ).toBe(null);
    expect(offered).toEqual(['v1']);
  });
});

describe('header helpers', () => {
  it('joins repeated values', () => {
    expect(headerValue({ a: ['x', 'y'] }, 'a')).toBe('x, y');
    expect(headerValue({ a: 'x' }, 'a')).toBe('x');
    expect(headerValue({}, 'a')).toBe(undefined);
  });

  it('finds tokens in comma lists, case-insensitively, ignoring OWS', () => {
    expect(listHasToken('keep-alive, Upgrade', 'upgrade')).toBe(true);
    expect(listHasToken('\tUPGRADE\t', 'upgrade')).toBe(true);
    expect(listHasToken(',,upgrade,,', 'upgrade')).toBe(true);
    expect(listHasToken('upgrade2, xupgrade', 'upgrade')).toBe(false);
    expect(listHasToken('up grade', 'upgrade')).toBe(false);
    expect(listHasToken('', 'upgrade')).toBe(false);
    expect(listHasToken('upgradE', 'upgrade')).toBe(true);
    expect(listHasToken('upgrad[', 'upgrade')).toBe(false);
  });

  it('scans a 100k-element list without error', () => {
    expect(listHasToken(`${'a,'.repeat(100_000)}upgrade`, 'upgrade')).toBe(true);
  });
});
