import { applyMask } from '@parley/codec';
import { afterEach, describe, expect, it } from 'vitest';
import { type NativeMasking, useNativeMasking } from '../src/index.js';

afterEach(() => useNativeMasking(null));

describe('useNativeMasking (re-exported for applications)', () => {
  it('routes large payloads through the installed masker and small ones around it', () => {
    const calls: number[] = [];
    const masker: NativeMasking = {
      unmask(buffer, mask) {
        calls.push(buffer.length);
        for (let i = 0; i < buffer.length; i++) buffer[i] = buffer[i]! ^ mask[i & 3]!;
      },
    };
    useNativeMasking(masker);
    const key = Buffer.from([0x11, 0x22, 0x33, 0x44]);
    const large = Buffer.alloc(1024, 0x5a);
    applyMask(large, key);
    expect(calls).toEqual([1024]);
    expect(large.subarray(0, 4)).toEqual(Buffer.from([0x5a ^ 0x11, 0x5a ^ 0x22, 0x5a ^ 0x33, 0x5a ^ 0x44]));
    applyMask(Buffer.alloc(16), key);
    expect(calls).toEqual([1024]);
  });

  it('turns off again with null: the word loop gives the same bytes', () => {
    useNativeMasking(null);
    const key = Buffer.from([1, 2, 3, 4]);
    const data = Buffer.alloc(1024, 0xf0);
    applyMask(data, key);
    applyMask(data, key);
    expect(data.equals(Buffer.alloc(1024, 0xf0))).toBe(true);
  });
});
