// Sums a V8 .cpuprofile's self time per function (name + file:line) and formats the top N.
//   node bench/tools/profile-summary.mjs file.cpuprofile [top]
import { readFileSync } from 'node:fs';

export function summarizeProfile(profile, top = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  const dt = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const f = node.callFrame;
    const file = f.url ? f.url.replace(/^.*\/(packages|node_modules|bench)\//, '$1/') : '';
    const key = `${f.functionName || '(anonymous)'}  ${file}${file ? `:${f.lineNumber + 1}` : ''}`;
    selfUs.set(key, (selfUs.get(key) ?? 0) + (dt[i] ?? 0));
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const idle = selfUs.get('(idle)  ') ?? 0;
  const rows = [...selfUs.entries()]
    .filter(([k]) => k !== '(idle)  ')
    .sort((a, b) => b[1] - a[1])
    .slice(0, top);
  const lines = [`total ${(total / 1e3).toFixed(0)} ms, busy ${((total - idle) / 1e3).toFixed(0)} ms`];
  for (const [k, v] of rows)
    lines.push(`${((100 * v) / (total - idle || 1)).toFixed(1).padStart(5)}% of busy  ${k}`);
  // Self time per source file: shows which layer (node core, codec, facade, ...) the time is in.
  const byFile = new Map();
  for (const [k, v] of selfUs) {
    if (k === '(idle)  ') continue;
    const at = k.indexOf('  ');
    const file = k.slice(at + 2).replace(/:\d+$/, '') || k.slice(0, at);
    byFile.set(file, (byFile.get(file) ?? 0) + v);
  }
  lines.push('', 'by file:');
  for (const [f, v] of [...byFile.entries()].sort((a, b) => b[1] - a[1]).slice(0, Math.ceil(top / 2)))
    lines.push(`${((100 * v) / (total - idle || 1)).toFixed(1).padStart(5)}% of busy  ${f}`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, top] = process.argv.slice(2);
  console.log(summarizeProfile(JSON.parse(readFileSync(file, 'utf8')), Number(top ?? 25)));
}
