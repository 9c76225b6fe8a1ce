// RFC 6455 / RFC 7692 conformance of echo clients: the suite is a raw server that crafts
// frames by hand (unmasked, as a server must) and checks every frame the client sends. The
// same case tables as the server suite, seen from the other side, plus client-only rules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  badResponseSection,
  type ClientSuiteContext,
  clientOnlySection,
  runBadResponseCase,
  runClientCase,
  runPool,
} from './support/client-suite.js';
import { cliClientTarget, removeCliBundle } from './support/cli-targets.js';
import { loadParleyClient } from './support/parley-targets.js';
import { RawWebSocketServer } from './support/raw-server.js';
import {
  type CaseResult,
  type ConformanceCase,
  FULL_RUN,
  forTarget,
  problems,
  recordResults,
  tally,
} from './support/runner.js';
import { casesFor, SECTIONS } from './support/server-suite.js';
import { type EchoClientTarget, wsReferenceClient } from './support/targets.js';

const parley = await loadParleyClient();
const targets: [EchoClientTarget | null, string][] = [
  [wsReferenceClient, ''],
  [parley.target, parley.reason],
];
const cli = cliClientTarget();

afterAll(removeCliBundle);

/** PARLEY_CONFORMANCE_FULL=1 runs every 8th case through the CLI client instead of a smoke set. */
const FULL_CLI = FULL_RUN;

function unexpected(target: EchoClientTarget, cases: ConformanceCase[], results: CaseResult[]): string[] {
  const laxFailFast = new Set(target.strictFailFast ? [] : cases.filter((c) => c.failFast).map((c) => c.id));
  const known = target.knownDeviations ?? {};
  return problems(
    results.filter((r) => !(r.verdict === 'non-strict' && laxFailFast.has(r.id)) && !(r.id in known)),
  );
}

const CLIENT_SECTIONS: [string, ConformanceCase[]][] = [
  ...SECTIONS,
  ['1.20 client masking', clientOnlySection],
];

/** Passing sections take seconds; failing cases each wait out their timeout, so allow that. */
const SECTION_TIMEOUT_MS = 180_000;

for (const [target, reason] of targets) {
  describe.skipIf(!target)(`echo client conformance: ${target?.name ?? `parley (${reason})`}`, () => {
    const t = target as EchoClientTarget;
    let ctx: ClientSuiteContext;

    beforeAll(async () => {
      const server = new RawWebSocketServer();
      await server.listen();
      ctx = { server, target: t };
    });
    afterAll(async () => {
      await ctx?.server.close();
    });

    it('0.4 refuses broken or unexpected handshake responses', async () => {
      const results = await runPool(badResponseSection, (c) => runBadResponseCase(ctx, c));
      await recordResults('client 0.4 handshake responses', t.name, results);
      expect(tally(results).ok).toBeGreaterThan(5);
      expect(unexpected(t, [], results)).toEqual([]);
    });

    for (const [name, all] of CLIENT_SECTIONS) {
      const cases = forTarget(t.name, casesFor('client', all));
      it(`${name} (${cases.length} cases)`, { timeout: SECTION_TIMEOUT_MS }, async () => {
        const heavy = cases.some((c) => c.id.startsWith('9.'));
        const results = await runPool(cases, (c) => runClientCase(ctx, c), heavy ? 8 : 16);
        await recordResults(`client ${name}`, t.name, results);
        expect(tally(results).ok).toBeGreaterThan(0);
        expect(unexpected(t, cases, results)).toEqual([]);
      });
    }
  });
}

/**
 * `echo client <url>` is what the independent suite drives, but it costs a Node process per
 * case (seconds on a loaded machine): by default one case from the middle of every section,
 * all in one pool. The in-process run of the same engine above covers every case.
 */
describe.skipIf(!cli)(
  `echo client conformance: parley-cli${cli ? '' : ' (cli.ts has no client subcommand)'}`,
  () => {
    let ctx: ClientSuiteContext;
    beforeAll(async () => {
      const server = new RawWebSocketServer();
      await server.listen();
      ctx = { server, target: cli! };
    });
    afterAll(async () => {
      await ctx?.server.close();
    });

    const picked = CLIENT_SECTIONS.flatMap(([, all]) => {
      const cases = casesFor('client', all).filter((c) => !/\b(1|16) MiB\b/.test(c.title));
      return FULL_CLI
        ? cases.filter((_, i) => i % 8 === 0)
        : cases.slice(cases.length >> 1, (cases.length >> 1) + 1);
    });
    it(`${FULL_CLI ? 'every 8th case' : 'one case per section'} (${picked.length} cases) through the CLI`, {
      timeout: 120_000,
    }, async () => {
      const results = await runPool(picked, (c) => runClientCase(ctx, c), 6);
      await recordResults('client CLI sample', 'parley-cli', results);
      expect(tally(results).ok).toBeGreaterThan(0);
      expect(unexpected(cli!, picked, results)).toEqual([]);
    });
  },
);
