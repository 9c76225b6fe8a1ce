// Public API of @parley/codec.
export { err, ok, parleyError } from './result.js';
export type { Err, Ok, ParleyError, Result } from './result.js';
export const PACKAGE_NAME = '@parley/codec';

export {
  CloseCode,
  isControlOpcode,
  isKnownOpcode,
  MAX_CLOSE_REASON,
  MAX_CONTROL_PAYLOAD,
  Opcode,
  type OpcodeValue,
} from './constants.js';
export type {
  CloseInfo,
  MessageData,
  PerMessageDeflateParams,
  ProtocolErrorCode,
  ProtocolOptions,
  ProtocolSink,
  Role,
  SendErrorCode,
  SendInfo,
} from './types.js';
export { describeCloseCode, isValidCloseCode } from './close-codes.js';
export {
  type ClosePayload,
  type ClosePayloadError,
  encodeClosePayload,
  parseClosePayload,
} from './close-payload.js';
export { applyMask, type NativeMasking, useNativeMasking } from './mask.js';
export { isValidUtf8, Utf8Validator } from './utf8-validator.js';
export {
  type EncodeFrameOptions,
  encodeFrame,
  encodeFrameHeader,
  frameHeaderSize,
} from './frame-encoder.js';
export { FrameParser, type FrameHandler, type FrameParserOptions } from './frame-parser.js';
export { MessageAssembler, type MessageAssemblerOptions, type MessageHandler } from './message-assembler.js';
export { type PreparedMessage, prepareMessage } from './prepared-message.js';
export { MessageStream, type MessageStreamOptions, type StreamProgress } from './message-stream.js';
export { PROTOCOL_DEFAULTS, resolveProtocolOptions } from './options.js';
export type {
  DeflateCallback,
  DeflateFactory,
  DeflateTransform,
  DeflateTransformOptions,
} from './deflate-transform.js';
export { type ProtocolState, WebSocketProtocol } from './protocol.js';
export {
  type DeflateErrorCode,
  PerMessageDeflate,
  type PerMessageDeflateOptions,
  type ResolvedDeflateSettings,
} from './deflate/per-message-deflate.js';
export { DEFLATE_DEFAULTS } from './deflate/defaults.js';
export { setZlibConcurrency, ZlibJobLimiter } from './deflate/zlib-job-limiter.js';
export { DeflateContextBudget, setDeflateContextBudget } from './deflate/deflate-context-budget.js';
export { ZlibEnginePool } from './deflate/zlib-engine-pool.js';
