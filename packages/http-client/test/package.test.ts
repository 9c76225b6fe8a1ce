import { describe, expect, it } from 'vitest';
import { PACKAGE_NAME } from '../src/index.js';

describe('@parley/http-client', () => {
  it('exports its own name', () => {
    expect(PACKAGE_NAME).toBe('@parley/http-client');
  });
});
