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
import { loadParleyClient } from './support/parley-targets.js';
import { RawWebSocketServer } from './support/raw-server.js';
import { type CaseResult, type ConformanceCase, problems, recordResults, tally } from './support/runner.js';
import { casesFor, SECTIONS } from './support/server-suite.js';
import { type EchoClientTarget, wsReferenceClient } from './support/targets.js';

const parley = await loadParleyClient();
const targets: [EchoClientTarget | null, string][] = [
  [wsReferenceClient, ''],
  [parley.target, parley.reason],
];

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
      const cases = casesFor('client', all);
      it(`${name} (${cases.length} cases)`, { timeout: 60_000 }, async () => {
        const heavy = cases.some((c) => c.id.startsWith('9.'));
        const results = await runPool(cases, (c) => runClientCase(ctx, c), heavy ? 4 : 16);
        await recordResults(`client ${name}`, t.name, results);
        expect(tally(results).ok).toBeGreaterThan(0);
        expect(unexpected(t, cases, results)).toEqual([]);
      });
    }
  });
}
