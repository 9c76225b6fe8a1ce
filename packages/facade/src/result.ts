// Result plumbing shared by the server and client sides of the facade.
export { err, ok, parleyError } from '@parley/codec';
export type { Err, Ok, ParleyError, Result } from '@parley/codec';
