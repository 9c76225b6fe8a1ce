#!/usr/bin/env node
// Prints one plain summary line per vitest JSON report: "<label>: N passed, N failed, N skipped".
import { existsSync, readFileSync } from 'node:fs';

let failed = 0;
for (const arg of process.argv.slice(2)) {
  const [label, file] = arg.split('=');
  if (!existsSync(file)) {
    console.log(`${label}: report missing (${file})`);
    failed++;
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`${label}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  failed += r.numFailedTests;
}
process.exit(failed ? 1 : 0);
