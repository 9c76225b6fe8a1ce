// Public API of @parley/codec.
export { err, ok, parleyError } from './result.js';
export type { Err, Ok, ParleyError, Result } from './result.js';
export const PACKAGE_NAME = '@parley/codec';
