/**
 * Running a recommended read-only command locally, without a shell: the
 * command line is split into a pipeline of argument vectors, each stage is
 * checked against the allowlist, and the stages are connected by pipes.
 */
import { spawn } from 'node:child_process';

/**
 * Split a command line into pipeline stages of arguments (single and double quotes honoured).
 * Returns undefined for anything a shell would be needed for (redirection, `;`, `&&`, `$(...)`, backticks).
 * @param line the command line
 * @returns the stages, or undefined
 */
export function splitPipeline(line: string): string[][] | undefined {
  const stages: string[][] = [[]];
  let cur = '';
  let has = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      has = true;
      continue;
    }
    if (/[;&<>`$(){}]/.test(ch)) return undefined;
    if (ch === '|') {
      if (has) stages[stages.length - 1].push(cur);
      cur = '';
      has = false;
      stages.push([]);
      continue;
    }
    if (/\s/.test(ch)) {
      if (has) stages[stages.length - 1].push(cur);
      cur = '';
      has = false;
      continue;
    }
    cur += ch;
    has = true;
  }
  if (quote) return undefined;
  if (has) stages[stages.length - 1].push(cur);
  if (stages.some((s) => s.length === 0)) return undefined;
  return stages;
}

/**
 * Run a pipeline and collect its standard output (and errors).
 * @param stages argument vectors
 * @param timeoutMs kill after this long
 * @returns stdout text, stderr text and the last stage's exit code
 */
export function runPipeline(stages: string[][], timeoutMs = 20_000): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve) => {
    const procs = stages.map(([cmd, ...args]) => spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], shell: false, env: { ...process.env, LC_ALL: 'C' } }));
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (code: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ stdout, stderr, code });
    };
    const timer = setTimeout(() => {
      procs.forEach((p) => p.kill('SIGKILL'));
      stderr += `\n(stopped after ${timeoutMs / 1000} s)`;
    }, timeoutMs);
    procs.forEach((p, i) => {
      p.on('error', (e) => {
        stderr += `${stages[i][0]}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'command not found' : e.message}\n`;
        if (i === procs.length - 1) finish(127);
        else procs[i + 1].stdin.end();
      });
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      if (i < procs.length - 1) p.stdout.pipe(procs[i + 1].stdin);
      else p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    });
    procs[0].stdin.end();
    procs[procs.length - 1].on('close', (code) => finish(code));
  });
}
