// The issue's performance targets, checked against one run's medians (a table for BENCH.md).
// Each target names the cell, the metric, the comparison target and the bar; `per` selects the
// rate itself or the rate per server CPU-second (shown side by side: the first is what the
// issue asks for, the second is less disturbed by other load on a shared machine).

const TARGETS = [
  { label: 'echo 32 B vs raw net', cell: 'echo binary 32 B', vs: 'raw', min: 0.95 },
  { label: 'echo 1 KiB vs raw net', cell: 'echo binary 1 KiB', vs: 'raw', min: 0.95 },
  { label: 'echo text 32 B vs ws', cell: 'echo text 32 B', vs: 'ws', min: 1.2 },
  { label: 'echo 64 KiB vs raw net', cell: 'echo binary 64 KiB', vs: 'raw', min: 1.0 },
  { label: 'echo 64 KiB vs ws + addons', cell: 'echo binary 64 KiB', vs: 'ws+addons', min: 1.0 },
  { label: 'echo 1 MiB vs raw net', cell: 'echo binary 1 MiB', vs: 'raw', min: 1.0 },
  { label: 'echo 1 MiB vs ws + addons', cell: 'echo binary 1 MiB', vs: 'ws+addons', min: 1.0 },
  { label: 'connections/s vs ws', cell: 'connections/s', vs: 'ws', min: 1.6 },
  { label: 'broadcast deliveries/s vs ws', cell: 'broadcast', vs: 'ws', min: 1.5 },
  { label: 'deflate echo msgs/s vs ws + addons', cell: 'deflate echo', vs: 'ws+addons', min: 1.0 },
  {
    label: 'deflate echo server RSS vs ws + addons',
    cell: 'deflate echo',
    vs: 'ws+addons',
    key: 'serverRssMB',
    max: 0.5,
  },
  { label: 'client 32 B vs ws client', cell: 'client 32 B, 32 in flight (reflector)', vs: 'ws', min: 1.2 },
  {
    label: 'client 64 KiB vs ws client',
    cell: 'client 64 KiB, 32 in flight (reflector)',
    vs: 'ws',
    min: 2.0,
  },
];

const MAIN = {
  echo: 'msgsPerSec',
  connRate: 'connsPerSec',
  broadcast: 'deliveriesPerSec',
  deflateEcho: 'msgsPerSec',
  client: 'msgsPerSec',
};

function ratio(row, key, vs) {
  const p = row.targets.parley?.[key]?.median;
  const o = row.targets[vs]?.[key]?.median;
  return p && o ? p / o : undefined;
}

function verdict(value, t) {
  if (value === undefined) return '–';
  const met = t.min !== undefined ? value >= t.min : value <= t.max;
  return met ? 'met' : 'missed';
}

/** Markdown lines: one row per target with the ratio, per-CPU ratio where there is one, verdict. */
export function renderTargets(results) {
  const lines = [
    '## Targets (issue 8)',
    '',
    '| target | bar | Parley ratio | verdict | ratio per server CPU-second |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const t of TARGETS) {
    const row = results.find((r) => r.name.startsWith(t.cell));
    if (!row) continue;
    const key = t.key ?? MAIN[row.workload];
    const value = ratio(row, key, t.vs);
    const perCpu = t.key ? undefined : ratio(row, 'perServerCpuSec', t.vs);
    const bar = t.min !== undefined ? `≥ ${t.min}×` : `≤ ${t.max}×`;
    lines.push(
      `| ${t.label} | ${bar} | ${value === undefined ? '–' : `${value.toFixed(2)}×`} | ${verdict(value, t)} | ${perCpu === undefined ? '–' : `${perCpu.toFixed(2)}×`} |`,
    );
  }
  const idle = results.find((r) => r.workload === 'idle');
  const kb = idle?.targets.parley?.rssPerConnKB?.median;
  if (kb !== undefined) {
    lines.push(
      `| idle memory per connection | ≤ 5.5 KB | ${kb.toFixed(2)} KB | ${kb <= 5.5 ? 'met' : 'missed'} | – |`,
    );
  }
  lines.push('', ...NOTES, '');
  return lines;
}

/**
 * What the profiles showed in the way of the targets this harness tracks (reproduce with
 * `node bench/tools/profile.mjs --server parley|ws|raw --size N` or `--workload connRate`, and
 * `node bench/tools/profile-client.mjs --client parley|ws --size N`).
 */
const NOTES = [
  '### What the profiles show',
  '',
  "- **Small echo (32 B, 1 KiB)**: the server spends 50–60% of its CPU in the `write` syscall (`writeBuffer`), as the raw echo does; Parley's own layers (parser, sender, cork scheduler, session) add about 10–15% on top, which is the gap to the raw ceiling. `ws` sits in the same place.",
  "- **Large echo (64 KiB, 1 MiB)**: the raw echo copies nothing; a WebSocket server must hand the application one contiguous, unmasked message, so one copy per message is unavoidable and it dominates (copying into freshly allocated memory). Parley copies each piece into the final buffer as it arrives (for frames up to 1 MiB), which halved its CPU per 64 KiB message. The remaining gap to `ws` + `bufferutil` at 64 KiB is unmasking: Parley's TypeScript word loop runs at 5–8 GB/s, the addon's SIMD several times faster. With the documented opt-in `useNativeMasking(bufferutil)` (re-exported by `@parley/facade`; optional column `--servers parley,parley+addons,ws+addons`) one run gave 1.29× `ws` + `bufferutil` per server CPU-second at 64 KiB but only 0.77× at 1 MiB, where GC (about 18% of the server's CPU: V8 collects often under 1 MiB external allocations) and the `writev` syscalls (31%) dominate.",
  "- **Connection rate**: per connection the time goes to Node itself — socket creation and teardown (`node:net`, stream constructors), three write syscalls (101 response, echo, close reply) and GC; Parley's handshake, session and protocol code together are under 10% of the server's CPU. Raw `net` accepts about 3–4× more connections per CPU-second than either WebSocket server.",
  "- **Idle memory**: Parley's per-session objects (protocol, parser, assembler, sender, core, session, transport wrapper) now take about as much heap as `ws`; the rest of the RSS is the Node socket itself.",
];
