// RFC 6455 / RFC 7692 conformance of echo servers, Autobahn-style: the suite is a raw TCP
// client crafting frames by hand. Every section runs against the `ws` reference (validating
// the suite) and against Parley's echo server once apps/echo exports startEchoServer.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { reservedBitsSection } from './support/cases/control.js';
import { utf8Section } from './support/cases/utf8.js';
import { cliServerTarget, removeCliBundle } from './support/cli-targets.js';
import { loadParleyServer } from './support/parley-targets.js';
import {
  type CaseResult,
  type ConformanceCase,
  FULL_RUN,
  forTarget,
  problems,
  recordResults,
  runCase,
  runCases,
  tally,
} from './support/runner.js';
import {
  casesFor,
  openServerCase,
  runHandshakeSection,
  runServerSection,
  SECTIONS,
  type ServerUnderTest,
} from './support/server-suite.js';
import { type EchoServerTarget, wsReferenceServer } from './support/targets.js';

const parley = await loadParleyServer();
const parleyCli = cliServerTarget();
const targets: [EchoServerTarget | null, string][] = [
  [wsReferenceServer, ''],
  [parley.target, parley.reason],
  [parleyCli, 'apps/echo/src/cli.ts has no server subcommand yet'],
];

afterAll(removeCliBundle);

const LARGE_CASE = /\b(1|16) MiB\b/;

/** Lines for every case that is not acceptable for this target. */
function unexpected(target: EchoServerTarget, cases: ConformanceCase[], results: CaseResult[]): string[] {
  const laxFailFast = new Set(target.strictFailFast ? [] : cases.filter((c) => c.failFast).map((c) => c.id));
  const known = target.knownDeviations ?? {};
  return problems(
    results.filter((r) => !(r.verdict === 'non-strict' && laxFailFast.has(r.id)) && !(r.id in known)),
  );
}

/** Passing sections take seconds; failing cases each wait out their timeout, so allow that. */
const SECTION_TIMEOUT_MS = 180_000;

for (const [target, reason] of targets) {
  describe.skipIf(!target)(`echo server conformance: ${target?.name ?? `parley (${reason})`}`, () => {
    const t = target as EchoServerTarget;
    let sut: ServerUnderTest;

    beforeAll(async () => {
      const [plain, deflate] = await Promise.all([
        t.start({ deflate: false, path: '/' }),
        t.start({ deflate: true, path: '/deflate' }),
      ]);
      sut = { plain, deflate, strictFailFast: t.strictFailFast };
    });
    afterAll(async () => {
      await Promise.all([sut?.plain.close(), sut?.deflate.close()]);
    });

    it('0 opening handshake', async () => {
      const results = await runHandshakeSection(sut);
      await recordResults('server 0 handshake', t.name, results);
      expect(results.length).toBeGreaterThan(20);
      expect(unexpected(t, [], results)).toEqual([]);
    });

    it('3 reserved bits again on the deflate-enabled server, without an offer (RSV1 still 1002)', async () => {
      const results = await runServerSection({ ...sut, plain: sut.deflate }, reservedBitsSection);
      await recordResults('server 3 reserved bits (deflate server, no offer)', t.name, results);
      expect(tally(results).ok).toBeGreaterThan(0);
      expect(unexpected(t, reservedBitsSection, results)).toEqual([]);
    });

    for (const [name, cases] of SECTIONS) {
      // The CLI runs the same engine as the in-process server: it skips the 1–16 MiB cases.
      const selected =
        t.name === 'parley-cli' && !FULL_RUN
          ? cases.filter((c) => !LARGE_CASE.test(c.title))
          : forTarget(t.name, cases);
      it(`${name} (${casesFor('server', selected).length} cases)`, {
        timeout: SECTION_TIMEOUT_MS,
      }, async () => {
        const results = await runServerSection(sut, selected);
        await recordResults(`server ${name}`, t.name, results);
        expect(tally(results).ok).toBeGreaterThan(0);
        expect(unexpected(t, cases, results)).toEqual([]);
      });
    }
  });
}

describe('the suite itself', () => {
  let sut: ServerUnderTest;
  beforeAll(async () => {
    const [plain, deflate] = await Promise.all([
      wsReferenceServer.start({ deflate: false, path: '/' }),
      wsReferenceServer.start({ deflate: true, path: '/' }),
    ]);
    sut = { plain, deflate, strictFailFast: true };
  });
  afterAll(async () => {
    await Promise.all([sut?.plain.close(), sut?.deflate.close()]);
  });

  it('rates a server that validates UTF-8 only at FIN (ws) non-strict when waiting strictly', async () => {
    // One fragmented case and one within a single frame (Autobahn 6.4.3-like).
    const failFast = utf8Section.filter((c) => c.failFast);
    const sample = [failFast[0]!, failFast.find((c) => c.title.includes('one 64 KiB frame'))!];
    const results = await Promise.all(sample.map((c) => runCase(c, (cc) => openServerCase(sut, cc))));
    expect(results.map((r) => r.verdict)).toEqual(['non-strict', 'non-strict']);
    expect(results[0]?.detail).toMatch(/1007 after FIN/);
  });

  it('fails every invalid-UTF-8 case against a server that skips UTF-8 validation', async () => {
    const broken = new WebSocketServer({ host: '127.0.0.1', port: 0, skipUTF8Validation: true });
    broken.on('connection', (ws) => {
      ws.on('error', () => {});
      ws.on('message', (data, isBinary) => ws.send(data as Buffer, { binary: isBinary }));
    });
    try {
      await new Promise<void>((resolve) => broken.once('listening', () => resolve()));
      const { port } = broken.address() as AddressInfo;
      const running = { port, path: '/', pathEnforced: false, close: async () => {} };
      const invalid = utf8Section.filter((c) => c.title.includes('in one frame fails'));
      const results = await runCases(invalid, (c) => openServerCase({ ...sut, plain: running }, c));
      expect(invalid.length).toBeGreaterThan(30);
      expect(results.filter((r) => r.verdict !== 'failed').map((r) => r.id)).toEqual([]);
      expect(results[0]?.detail).toMatch(/expected close 1007; got text frame/);
    } finally {
      for (const c of broken.clients) c.terminate();
      await new Promise((resolve) => broken.close(resolve));
    }
  });
});
