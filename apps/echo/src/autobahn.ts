import { createClient } from '@parley/facade';
import { type EchoClientOptions, echoClientConfig, runEchoClient } from './client.js';

/**
 * Autobahn's client-testing protocol (the `fuzzingserver` mode of autobahn-testsuite, also
 * spoken by other conformance servers): the testee asks `/getCaseCount` for the number of
 * cases, opens `/runCase?case=N&agent=A` for each (echoing whatever the server sends until it
 * closes), then opens `/updateReports?agent=A` so the server writes its reports.
 */
export interface AutobahnOptions extends Omit<EchoClientOptions, 'signal'> {
  /** The agent name the reports are filed under; default "Parley". */
  agent?: string;
  /** Run only cases from..to (1-based, inclusive); default every case. */
  from?: number;
  to?: number;
  /** Aborting it stops after the current case (the reports are still updated). */
  signal?: AbortSignal;
}

export interface AutobahnResult {
  /** What /getCaseCount answered; null when it could not be read. */
  readonly caseCount: number | null;
  /** Cases run (each one connection). */
  readonly ran: number;
  /** Cases whose connection never opened (the server's report shows why). */
  readonly notOpened: readonly number[];
  /** False when /updateReports could not be reached. */
  readonly reportsUpdated: boolean;
}

/** Runs Autobahn's client cases against the fuzzing server at `base` (e.g. ws://127.0.0.1:9001). */
export async function runAutobahnClient(
  base: string,
  options: AutobahnOptions = {},
): Promise<AutobahnResult> {
  const log = options.log ?? (() => {});
  const root = base.replace(/\/+$/, '');
  const agent = encodeURIComponent(options.agent ?? 'Parley');
  const caseCount = await readCaseCount(`${root}/getCaseCount`, options);
  if (caseCount === null) {
    log(`could not read a case count from ${root}/getCaseCount`);
    return { caseCount: null, ran: 0, notOpened: [], reportsUpdated: false };
  }
  const from = Math.max(1, options.from ?? 1);
  const to = Math.min(caseCount, options.to ?? caseCount);
  const notOpened: number[] = [];
  let ran = 0;
  for (let n = from; n <= to && options.signal?.aborted !== true; n++) {
    // One connection per case; an aborted signal drops the case in progress and ends the loop.
    const result = await runEchoClient(`${root}/runCase?case=${n}&agent=${agent}`, {
      ...options,
      log: undefined,
    });
    ran++;
    if (!result.opened) notOpened.push(n);
    log(
      `case ${n}/${caseCount}: ${result.opened ? `closed ${result.close.code}` : `not opened (${result.close.reason})`}, ${result.echoed} echoed`,
    );
  }
  const update = await runEchoClient(`${root}/updateReports?agent=${agent}`, {
    ...options,
    signal: undefined,
    log: undefined,
  });
  log(update.opened ? 'reports updated' : `could not update the reports: ${update.close.reason}`);
  return { caseCount, ran, notOpened, reportsUpdated: update.opened };
}

/** Opens `url`, takes the first text message as a non-negative integer and closes. */
async function readCaseCount(url: string, options: AutobahnOptions): Promise<number | null> {
  const created = createClient(echoClientConfig(url, { ...options, signal: undefined }));
  if (!created.ok) return null;
  const client = created.value;
  let count: number | null = null;
  client.on('message', (data, isBinary) => {
    const text = isBinary ? '' : String(data).trim();
    if (count === null && /^\d+$/.test(text)) count = Number(text);
    client.close(1000);
  });
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  void client.start();
  await closed;
  return count;
}
