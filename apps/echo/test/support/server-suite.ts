// The server-side suite: the suite is the client, the testee is an echo server.
import { closeSection } from './cases/close.js';
import { opcodesSection, pingSection, reservedBitsSection } from './cases/control.js';
import { deflateSection } from './cases/deflate.js';
import { fragmentationSection } from './cases/fragmentation.js';
import { framingSection, limitsSection } from './cases/framing.js';
import { type HandshakeCase, handshakeSection } from './cases/handshake.js';
import { utf8Section } from './cases/utf8.js';
import { CaseFailure, CaseNonStrict, CaseNotApplicable } from './expect.js';
import { openClientPeer } from './handshake.js';
import type { Peer } from './peer.js';
import { type CaseResult, type ConformanceCase, offerHeader, runCases } from './runner.js';
import type { RunningEchoServer } from './targets.js';

export const SECTIONS: [string, ConformanceCase[]][] = [
  ['1 framing', framingSection],
  ['2 pings and pongs', pingSection],
  ['3 reserved bits', reservedBitsSection],
  ['4 opcodes', opcodesSection],
  ['5 fragmentation', fragmentationSection],
  ['6 UTF-8', utf8Section],
  ['7 close', closeSection],
  ['9 limits', limitsSection],
  ['12/13 permessage-deflate', deflateSection],
];

export function casesFor(role: 'server' | 'client', cases: ConformanceCase[]): ConformanceCase[] {
  return cases.filter((c) => (c.testeeRole ?? role) === role);
}

export interface ServerUnderTest {
  plain: RunningEchoServer;
  deflate: RunningEchoServer;
  strictFailFast: boolean;
}

/** Connects to the testee for one case, offering permessage-deflate when the case asks. */
export async function openServerCase(sut: ServerUnderTest, c: ConformanceCase): Promise<Peer> {
  const server = c.deflate ? sut.deflate : sut.plain;
  const extensions = c.offerText ?? (c.deflate ? offerHeader(c.deflate) : undefined);
  const peer = await openClientPeer(server.port, { path: server.path, extensions });
  peer.options = { strictFailFast: sut.strictFailFast };
  if (c.deflate && !peer.deflate) {
    peer.destroy();
    if (Object.keys(c.deflate).length === 0) throw new CaseFailure(`permessage-deflate accepted`, 'declined');
    if (c.offerText) throw new CaseFailure(`one of the offers accepted`, 'all declined');
    throw new CaseNotApplicable(`server declined the offer "${extensions}"`);
  }
  return peer;
}

export async function runServerSection(
  sut: ServerUnderTest,
  cases: ConformanceCase[],
): Promise<CaseResult[]> {
  // Large messages are memory- and CPU-heavy: fewer of them at once.
  const heavy = cases.some((c) => c.id.startsWith('9.'));
  return runCases(casesFor('server', cases), (c) => openServerCase(sut, c), heavy ? 4 : 24);
}

export async function runHandshakeSection(sut: ServerUnderTest): Promise<CaseResult[]> {
  const run = async (c: HandshakeCase): Promise<CaseResult> => {
    try {
      await c.run(c.deflateServer ? sut.deflate : sut.plain);
      return { id: c.id, title: c.title, verdict: 'ok' };
    } catch (e) {
      if (e instanceof CaseNotApplicable)
        return { id: c.id, title: c.title, verdict: 'n/a', detail: e.message };
      if (e instanceof CaseNonStrict)
        return { id: c.id, title: c.title, verdict: 'non-strict', detail: e.message };
      const detail = e instanceof CaseFailure ? e.message : `suite/driver error: ${String(e)}`;
      return { id: c.id, title: c.title, verdict: 'failed', detail };
    }
  };
  return Promise.all(handshakeSection.map(run));
}
