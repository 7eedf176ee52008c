/**
 * Running a recommended read-only command locally, without a shell: the
 * command line is split into a pipeline of argument vectors, each stage is
 * checked against the allowlist, and the stages are connected by pipes.
 */
import { spawn } from 'node:child_process';
import { splitTopLevel, words } from '../core/parsers/lib/shell.js';

/**
 * Split a command line into pipeline stages of arguments, with the same shell reader the parsers
 * use (quotes honoured). Returns undefined for anything a shell would be needed for (`;`, `&&`,
 * `||`, redirection, background, `$(...)`, backticks outside quotes).
 * @param line the command line
 * @returns the stages, or undefined
 */
export function splitPipeline(line: string): string[][] | undefined {
  const { parts, met } = splitTopLevel(line, ['||', '&&', '|', ';', '&', '>', '<', '`', '$(', '${']);
  if (met.some((m) => m !== '|')) return undefined;
  const stages = parts.map(words);
  return stages.length > 0 && stages.every((s) => s.length > 0) ? stages : undefined;
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
