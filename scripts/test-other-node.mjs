#!/usr/bin/env node
// Runs the runtime packages' test suites on another Node major (22, 24, ...), fetched from
// the npm registry's `node` package. Usage: node scripts/test-other-node.mjs 22 24
import { spawnSync } from 'node:child_process';

const majors = process.argv.slice(2).length ? process.argv.slice(2) : ['22', '24'];
const projects = [
  '@parley/codec',
  '@parley/handshake',
  '@parley/transport',
  '@parley/http-client',
  '@parley/facade',
];
let failed = false;
for (const major of majors) {
  console.log(`\n=== Node ${major}: runtime packages ===`);
  const args = ['-y', `node@${major}`, 'node_modules/vitest/vitest.mjs', 'run'];
  for (const p of projects) args.push('--project', p);
  const r = spawnSync('npx', args, {
    stdio: 'inherit',
    env: {
      ...process.env,
      PARLEY_NODE_MATRIX: major,
      VITEST_JSON: `test-artifacts/vitest-node${major}.json`,
    },
  });
  if (r.status !== 0) {
    console.error(`Node ${major}: tests failed (exit ${r.status})`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
