// Turns the JSON lines written by the conformance suites (CONFORMANCE_RESULTS=file) into the
// markdown tables of docs/conformance.md:
//   CONFORMANCE_RESULTS=/tmp/conf.jsonl npx vitest run --project @parley/echo test/conformance
//   node apps/echo/test/support/results-table.mjs /tmp/conf.jsonl
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node results-table.mjs <results.jsonl>');
  process.exit(2);
}
const runs = readFileSync(file, 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line));

const targets = [...new Set(runs.map((r) => r.target))];
const suites = [...new Set(runs.map((r) => r.suite))];
const cell = (results) => {
  if (!results) return '—';
  const t = { ok: 0, 'non-strict': 0, failed: 0, 'n/a': 0 };
  for (const r of results) t[r.verdict]++;
  const parts = [`${t.ok}/${results.length} ok`];
  if (t['non-strict']) parts.push(`${t['non-strict']} non-strict`);
  if (t.failed) parts.push(`**${t.failed} failed**`);
  if (t['n/a']) parts.push(`${t['n/a']} n/a`);
  return parts.join(', ');
};

console.log(`| section | ${targets.join(' | ')} |`);
console.log(`| --- | ${targets.map(() => '---').join(' | ')} |`);
for (const suite of suites) {
  const row = targets.map((target) =>
    cell(runs.find((r) => r.suite === suite && r.target === target)?.results),
  );
  console.log(`| ${suite} | ${row.join(' | ')} |`);
}
console.log('\nCases not ok (non-strict UTF-8 fail-fast cases of ws-reference summarised):\n');
for (const run of runs) {
  const notOk = run.results.filter((r) => r.verdict !== 'ok');
  const lax = notOk.filter((r) => r.verdict === 'non-strict' && run.target === 'ws-reference');
  if (lax.length)
    console.log(`- ${run.target} ${run.suite}: ${lax.length} fail-fast cases non-strict (${lax[0].detail})`);
  for (const r of notOk) {
    if (lax.includes(r)) continue;
    console.log(`- ${run.target} ${run.suite} ${r.id} [${r.verdict}] ${r.title}: ${r.detail ?? ''}`);
  }
}
