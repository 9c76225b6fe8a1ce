// Public API of @parley/cli: the `parley` command as a function (for tests and embedding)
// and the file-transfer pieces its send/receive commands are built from.
export { ExitCode, type Command } from './command.js';
export { type CliIo, processIo } from './io.js';
export { COMMANDS, main } from './main.js';
export { startRelayServer, type RelayMode, type RelayServerOptions } from './relay-server.js';
export {
  DEFAULT_FRAGMENT_SIZE,
  MAX_FRAGMENT_SIZE,
  type SendFileOptions,
  type SendFileReport,
  type SendProgress,
  sendFile,
} from './file-sender.js';
export { FileReceiver, type ReceiveOutcome } from './file-receiver.js';
export {
  encodeControl,
  type FileCancel,
  type FileEnd,
  type FileHeader,
  parseControl,
  safeFileName,
  type TransferControl,
} from './file-transfer-protocol.js';
export { type InputAction, parseInputLine } from './commands/connect-input.js';

export const PACKAGE_NAME = '@parley/cli';
