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
  lines.push('');
  return lines;
}
