// CLI cold start: `runbook --help`, and the time until `runbook start` prints its first question.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'runbook.js');

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function timeHelp() {
  const t = process.hrtime.bigint();
  spawnSync(process.execPath, [bin, '--help'], { stdio: 'ignore' });
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function timeFirstQuestion() {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const p = spawn(process.execPath, [bin, 'start', 'SYN no response', '--json', '--no-save', '--runbook', 'syn-no-response'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let buf = '';
    p.stdout.on('data', (d) => {
      buf += d;
      if (buf.includes('"type":"step"')) {
        const ms = Number(process.hrtime.bigint() - t) / 1e6;
        p.kill();
        resolve(ms);
      }
    });
    p.on('error', reject);
    p.on('exit', () => resolve(Number.NaN));
  });
}

function timeDiagnose() {
  const t = process.hrtime.bigint();
  spawnSync(process.execPath, [bin, 'diagnose', '--json', join(root, 'examples', 'syn-drops-behind-nat.json')], { stdio: 'ignore' });
  return Number(process.hrtime.bigint() - t) / 1e6;
}

export async function run() {
  const n = 10;
  const rows = [];
  const measure = async (name, f) => {
    await f(); // warm the file cache
    const xs = [];
    for (let i = 0; i < n; i++) xs.push(await f());
    rows.push([name, pct(xs, 50), pct(xs, 90)]);
  };
  await measure('runbook --help', timeHelp);
  await measure('runbook start: first question', timeFirstQuestion);
  await measure('runbook diagnose (example)', timeDiagnose);
  console.log(`CLI cold start, ${n} runs each (includes Node start-up, about 40 ms here)`);
  console.log('command'.padEnd(34) + 'p50 ms'.padStart(9) + 'p90 ms'.padStart(9));
  for (const [name, p50, p90] of rows) console.log(name.padEnd(34) + p50.toFixed(0).padStart(9) + p90.toFixed(0).padStart(9));
  const node = spawnSync(process.execPath, ['-e', '0']);
  void node;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await run();
