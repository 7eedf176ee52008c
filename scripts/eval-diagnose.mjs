#!/usr/bin/env node
// `npm run eval`: score `runbook diagnose --json` against a directory of scenarios
// (default ../shared/eval/diagnose, or --dir <path>): top-1 and top-3 accuracy and the
// false-confirmed count, as described in that directory's README. Runs the real CLI.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argDir = process.argv.indexOf('--dir');
const dir = resolve(argDir > 0 ? process.argv[argDir + 1] : join(root, '..', 'shared', 'eval', 'diagnose'));
const verbose = process.argv.includes('--verbose');
if (!existsSync(dir)) {
  console.error(`eval: no scenario directory at ${dir}; pass --dir <path>`);
  process.exit(2);
}
const inputs = readdirSync(dir).filter((f) => f.endsWith('.input.json')).sort();
let top1 = 0;
let top3 = 0;
let falseConfirmed = 0;
const rows = [];
for (const f of inputs) {
  const name = f.replace('.input.json', '');
  const expect = JSON.parse(readFileSync(join(dir, `${name}.expect.json`), 'utf8'));
  const r = spawnSync(process.execPath, [join(root, 'bin', 'runbook.js'), 'diagnose', '--json', join(dir, f)], { encoding: 'utf8', timeout: 60_000 });
  let out;
  try {
    out = JSON.parse(r.stdout);
  } catch {
    rows.push({ name, ok1: false, ok3: false, fc: 0, got: `error: ${(r.stderr || r.stdout).trim().slice(0, 80)}` });
    continue;
  }
  const ranked = out.candidates.filter((c) => c.status !== 'ruled-out');
  const ids = ranked.map((c) => c.id);
  const accept = expect.top === null ? [] : [expect.top, ...(expect.topAny ?? [])];
  let ok1;
  let ok3;
  if (expect.top === null) {
    ok1 = ok3 = !ranked.some((c) => c.status === 'confirmed' || c.status === 'likely');
  } else {
    ok1 = accept.includes(ids[0]);
    ok3 = ids.slice(0, 3).some((id) => accept.includes(id)) && (expect.inTop3 ?? []).every((id) => ids.slice(0, 3).includes(id));
  }
  const fc = ranked.filter((c) => c.status === 'confirmed' && (expect.top === null || (expect.notConfirmed ?? []).includes(c.id))).length;
  top1 += ok1 ? 1 : 0;
  top3 += ok3 ? 1 : 0;
  falseConfirmed += fc;
  rows.push({ name, ok1, ok3, fc, got: ranked.slice(0, 3).map((c) => `${c.id}(${c.status[0]})`).join(' ') || '(none)', want: expect.top ?? 'none' });
  if (verbose) console.log(name, JSON.stringify(out.candidates.slice(0, 4), null, 1));
}
const w = Math.max(...rows.map((r) => r.name.length));
console.log(`${'scenario'.padEnd(w)}  top1  top3  falseConf  expected -> got (top 3; c/l/p = confirmed/likely/possible)`);
for (const r of rows) console.log(`${r.name.padEnd(w)}  ${r.ok1 ? ' ok ' : 'MISS'}  ${r.ok3 ? ' ok ' : 'MISS'}  ${String(r.fc).padStart(9)}  ${r.want ?? ''} -> ${r.got}`);
const n = rows.length;
console.log(`\n${n} scenarios: top-1 accuracy ${(top1 / n).toFixed(2)} (${top1}/${n}), top-3 accuracy ${(top3 / n).toFixed(2)} (${top3}/${n}), false-confirmed ${falseConfirmed}`);
