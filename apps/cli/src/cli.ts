#!/usr/bin/env node
// The `parley` executable: runs main() against the real process and exits with its code.
import { processIo } from './io.js';
import { main } from './main.js';

const code = await main(process.argv.slice(2), processIo());
process.exitCode = code;
// Servers and clients are closed by now; a stray handle (a slow DNS lookup, stdin in a
// terminal) must not keep a finished command alive.
setTimeout(() => process.exit(code), 2_000).unref();
