import type { DeflateFactory } from './deflate-transform.js';
import { PerMessageDeflate } from './deflate/per-message-deflate.js';

/** The default DeflateFactory: the permessage-deflate transform over node:zlib. */
export const createPerMessageDeflate: DeflateFactory = (params, role, options) =>
  new PerMessageDeflate(params, role, options);
