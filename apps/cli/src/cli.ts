#!/usr/bin/env node
// The `parley` executable: runs main() against the real process and exits with its code.
import { processIo } from './io.js';
import { main } from './main.js';

// Keep the process alive until main settles: the facade's close timers are unref'd, and a
// command waiting on one must not be cut short by an empty event loop (exit code 13).
const keepAlive = setInterval(() => {}, 1 << 30);
const code = await main(process.argv.slice(2), processIo());
clearInterval(keepAlive);
process.exitCode = code;
// Servers and clients are closed by now; a stray handle (a slow DNS lookup, stdin in a
// terminal) must not keep a finished command alive.
setTimeout(() => process.exit(code), 2_000).unref();
