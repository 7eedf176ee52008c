/**
 * The CLI's view of the outside world, so commands can be driven by tests
 * without a terminal.
 */
import { isAbsolute, relative } from 'node:path';
import { createColors } from 'picocolors';

/** Input and output for one command run. */
export interface CliIO {
  /** Write text to standard output (no newline added). */
  stdout: (s: string) => void;
  /** Write text to standard error (no newline added). */
  stderr: (s: string) => void;
  /** Read all of standard input. */
  readStdin: () => Promise<string>;
  /** Colours allowed (a TTY and no NO_COLOR). */
  color: boolean;
}

/**
 * Colour helpers honouring `io.color`.
 * @param io the command's io
 * @returns picocolors functions (identity when colours are off)
 */
export function colors(io: Pick<CliIO, 'color'>): ReturnType<typeof createColors> {
  return createColors(io.color);
}

/** A usage or input error with an exit status; printed without a stack trace. */
export class CliError extends Error {
  /**
   * @param message what went wrong and how to fix it
   * @param exitCode the process exit status (2 usage, 1 failure)
   */
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/**
 * The io of the real process.
 * @returns io bound to process streams
 */
export function processIO(): CliIO {
  // A closed pipe (`runbook list | head`) ends the program quietly.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
  }
  const color = Boolean(process.stdout.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
  return {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    readStdin: async () => {
      if (process.stdin.isTTY) return '';
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    color,
  };
}

/**
 * A path as the user should see it: relative to the working directory when inside it.
 * @param path an absolute path
 * @returns the path to print
 */
export function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
