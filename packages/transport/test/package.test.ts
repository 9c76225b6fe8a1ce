import { describe, expect, it } from 'vitest';
import { PACKAGE_NAME } from '../src/index.js';

describe('@parley/transport', () => {
  it('exports its own name', () => {
    expect(PACKAGE_NAME).toBe('@parley/transport');
  });
});
