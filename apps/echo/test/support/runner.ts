// Runs case tables against a testee with a bounded pool, and turns outcomes into verdicts.
import { CaseFailure, CaseNonStrict, CaseNotApplicable, closeNormally } from './expect.js';
import type { Peer } from './peer.js';

export interface DeflateOffer {
  serverNoContextTakeover?: boolean;
  clientNoContextTakeover?: boolean;
  serverMaxWindowBits?: number;
  /** true: the parameter without a value (client side offer only). */
  clientMaxWindowBits?: number | true;
}

export interface ConformanceCase {
  /** Autobahn-style section numbering: "5.3.2". */
  id: string;
  title: string;
  /** Negotiate permessage-deflate with these parameters. */
  deflate?: DeflateOffer;
  /** The literal Sec-WebSocket-Extensions offer, when one DeflateOffer cannot say it (lists). */
  offerText?: string;
  /** Only meaningful when the testee has this role. */
  testeeRole?: 'server' | 'client';
  /** Requires failing fast on invalid UTF-8 (before the message's final fragment). */
  failFast?: boolean;
  run(peer: Peer): Promise<void>;
}

export type Verdict = 'ok' | 'non-strict' | 'failed' | 'n/a';

export interface CaseResult {
  id: string;
  title: string;
  verdict: Verdict;
  detail?: string;
}

/** Opens a connection for one case (the suite's handshake + the testee's). */
export type OpenPeer = (c: ConformanceCase) => Promise<Peer>;

export async function runCase(c: ConformanceCase, open: OpenPeer): Promise<CaseResult> {
  let peer: Peer | undefined;
  try {
    peer = await open(c);
    await c.run(peer);
    if (!peer.closeSent && !peer.isEnded) await closeNormally(peer);
    return { id: c.id, title: c.title, verdict: 'ok' };
  } catch (e) {
    if (e instanceof CaseNotApplicable)
      return { id: c.id, title: c.title, verdict: 'n/a', detail: e.message };
    if (e instanceof CaseNonStrict)
      return { id: c.id, title: c.title, verdict: 'non-strict', detail: e.message };
    if (e instanceof CaseFailure) return { id: c.id, title: c.title, verdict: 'failed', detail: e.message };
    return { id: c.id, title: c.title, verdict: 'failed', detail: `suite/driver error: ${String(e)}` };
  } finally {
    peer?.destroy();
  }
}

/** Runs every case with at most `concurrency` connections open at once; results in table order. */
export async function runCases(
  cases: ConformanceCase[],
  open: OpenPeer,
  concurrency = 16,
): Promise<CaseResult[]> {
  const results: CaseResult[] = new Array(cases.length);
  let nextIndex = 0;
  const worker = async () => {
    for (;;) {
      const i = nextIndex++;
      const c = cases[i];
      if (!c) return;
      results[i] = await runCase(c, open);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, cases.length) }, worker));
  return results;
}

/** One line per case that did not pass: what a failing test prints. */
export function problems(results: CaseResult[], accept: Verdict[] = ['ok', 'n/a']): string[] {
  return results
    .filter((r) => !accept.includes(r.verdict))
    .map((r) => `${r.id} [${r.verdict}] ${r.title}: ${r.detail ?? ''}`);
}

export function tally(results: CaseResult[]): Record<Verdict, number> {
  const t: Record<Verdict, number> = { ok: 0, 'non-strict': 0, failed: 0, 'n/a': 0 };
  for (const r of results) t[r.verdict]++;
  return t;
}

/** "permessage-deflate; ..." as a client offer. */
export function offerHeader(offer: DeflateOffer): string {
  const parts = ['permessage-deflate'];
  if (offer.serverNoContextTakeover) parts.push('server_no_context_takeover');
  if (offer.clientNoContextTakeover) parts.push('client_no_context_takeover');
  if (offer.serverMaxWindowBits !== undefined)
    parts.push(`server_max_window_bits=${offer.serverMaxWindowBits}`);
  if (offer.clientMaxWindowBits === true) parts.push('client_max_window_bits');
  else if (offer.clientMaxWindowBits !== undefined)
    parts.push(`client_max_window_bits=${offer.clientMaxWindowBits}`);
  return parts.join('; ');
}

/** "permessage-deflate; ..." as a server response (values only, never a bare parameter). */
export function responseHeader(offer: DeflateOffer): string {
  const parts = ['permessage-deflate'];
  if (offer.serverNoContextTakeover) parts.push('server_no_context_takeover');
  if (offer.clientNoContextTakeover) parts.push('client_no_context_takeover');
  if (offer.serverMaxWindowBits !== undefined)
    parts.push(`server_max_window_bits=${offer.serverMaxWindowBits}`);
  if (typeof offer.clientMaxWindowBits === 'number')
    parts.push(`client_max_window_bits=${offer.clientMaxWindowBits}`);
  return parts.join('; ');
}

/** Appends results to CONFORMANCE_RESULTS (a JSON-lines file) when set: feeds docs/conformance.md. */
export async function recordResults(suite: string, target: string, results: CaseResult[]): Promise<void> {
  const file = process.env.CONFORMANCE_RESULTS;
  if (!file) return;
  const { appendFile } = await import('node:fs/promises');
  await appendFile(file, `${JSON.stringify({ suite, target, results })}\n`);
}

/** PARLEY_CONFORMANCE_FULL=1: every case against every target (reference and CLI included). */
export const FULL_RUN = process.env.PARLEY_CONFORMANCE_FULL === '1';

/**
 * The reference run proves the suite right; a third of each table does that in CI (every
 * case with PARLEY_CONFORMANCE_FULL=1). Parley targets always get every case.
 */
export function forTarget(targetName: string, cases: ConformanceCase[]): ConformanceCase[] {
  if (FULL_RUN || targetName !== 'ws-reference') return cases;
  return cases.filter((_, i) => i % 3 === 0);
}
