import { defineConfig } from 'vitest/config';

// One config runs every package's tests. Each package is a vitest project named after
// its npm name, so `pnpm --filter @parley/codec test` (or `vitest --project @parley/codec`)
// runs one package. Workspace imports resolve to TypeScript sources through the
// `@parley/source` export condition, so tests never run against stale dist/ output.
const members = [
  ['@parley/codec', 'packages/codec'],
  ['@parley/handshake', 'packages/handshake'],
  ['@parley/transport', 'packages/transport'],
  ['@parley/http-client', 'packages/http-client'],
  ['@parley/facade', 'packages/facade'],
  ['@parley/echo', 'apps/echo'],
  ['@parley/chat', 'apps/chat'],
  ['@parley/cli', 'apps/cli'],
  ['@parley/test-support', 'packages/test-support'],
] as const;

const conditions = ['@parley/source', 'node', 'import', 'module', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    // The JSON report lets .ci/run print a plain 'N passed, N failed' line.
    reporters: ['default', ['json', { outputFile: process.env.VITEST_JSON ?? 'test-artifacts/vitest.json' }]],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: members.map(([name, root]) => ({
      extends: true,
      test: { name, root, include: ['test/**/*.test.ts'] },
    })),
  },
});
