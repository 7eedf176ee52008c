/**
 * The `runbook` command line: every command is listed here and loaded on
 * demand from `./commands/<name>.js`. Commands are thin: read input, call
 * core, print text or JSON.
 */
import { Command, CommanderError, Option } from 'commander';
import {
  DEFAULT_DB,
  DEFAULT_ENGINE_TIMEOUT_MS,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_RATE_LIMIT,
  DEFAULT_SESSION_MAX_BYTES,
  DEFAULT_SESSION_MAX_EVENTS,
  MAX_DEFAULT_ENGINE_THREADS,
} from '../api/defaults.js';
import { CliError, processIO, type CliIO } from './io.js';

/** Exit codes, documented in the README. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

type Runner = (opts: never, io: CliIO) => Promise<number>;

/**
 * Build the program; actions report their exit code through `done`.
 * @param io the io commands use
 * @param done receives each action's exit code
 * @returns the commander program
 */
export function buildProgram(io: CliIO, done: (code: number) => void): Command {
  const program = new Command('runbook')
    .description('Fix broken Linux networks fast: a searchable knowledge base of network incidents and decision-tree runbooks.')
    .version('0.1.0', '-V, --version')
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .addHelpText(
      'after',
      `
Examples:
  runbook start "SYN no response"          walk a runbook interactively
  runbook search "半连接队列溢出"             search cases and runbooks
  netstat -s | runbook parse               read command output into facts
  runbook diagnose --json evidence.json    one-shot diagnosis
  runbook show accept-queue-overflow       read a case

Exit codes: 0 ok, 1 failure (problems found, nothing read, no match), 2 usage error, 130 interrupted.`,
    );

  const act =
    (load: () => Promise<{ run: Runner }>) =>
    async (...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      const opts = { ...(cmd.opts() as object), args: cmd.args } as never;
      const mod = await load();
      done(await mod.run(opts, io));
    };

  program
    .command('start')
    .description('walk a runbook for a symptom, interactively (or as JSON lines with --json)')
    .argument('[symptom...]', 'what you see, in English or Chinese, e.g. "SYN no response"')
    .option('-r, --runbook <id>', 'start this runbook instead of matching the symptom')
    .option('--json', 'print each step as a JSON line and read answers as JSON lines from stdin')
    .option('--answers <file>', 'replay answers from a JSON lines file (or a saved session file)')
    .option('--run', 'offer to run recommended read-only commands locally (asks first; never with a shell)')
    .option('--no-save', 'do not save the session')
    .addHelpText(
      'after',
      `
At a question, type its number. At a check, paste the command's output and end with an
empty line (or Ctrl-D). At any prompt: back (undo the last answer), skip, why, missing
(equivalent commands), run (with --run), summary, quit (the session is saved).

JSON lines (--json / --answers): {"choice": 1} | {"output": "...", "command": "...", "takenAt": "ISO"}
| {"action": "skip" | "back" | "why" | "missing" | "summary" | "quit"} | {"runbook": "<id>"}`,
    )
    .action(act(() => import('./commands/start.js') as Promise<{ run: Runner }>));

  program
    .command('resume')
    .description('continue a saved session (default: the latest unfinished one)')
    .argument('[session]', 'the session id printed by start')
    .option('--json', 'JSON lines mode')
    .option('--answers <file>', 'replay answers from a JSON lines file')
    .option('--run', 'offer to run recommended read-only commands locally')
    .action(
      act(async () => {
        const m = await import('./commands/start.js');
        return { run: ((o: Record<string, unknown>, io: CliIO) => m.run({ ...(o as { args: string[] }), resume: true }, io)) as unknown as Runner };
      }),
    );

  program
    .command('summary')
    .description('print the ticket-ready evidence trail of a saved session')
    .argument('[session]', 'the session id (default: the latest)')
    .option('--json', 'print JSON')
    .action(act(() => import('./commands/summary.js') as Promise<{ run: Runner }>));

  program
    .command('diagnose')
    .description('one-shot diagnosis: JSON evidence in (file or stdin), ranked candidate causes out')
    .argument('[file]', 'input JSON: { "symptom", "kernel", "evidence": [ { "command", "output", "takenAt" } ] }')
    .option('--json', 'print { candidates, facts, next, warnings } as JSON')
    .option('--all', 'list every ruled-out candidate')
    .action(act(() => import('./commands/diagnose.js') as Promise<{ run: Runner }>));

  program
    .command('search')
    .description('search cases, notes and runbooks (English or Chinese)')
    .argument('<query...>', 'words, an error message, a counter or command name')
    .option('--json', 'print [{ id, title, kind, score, snippet }] best first')
    .option('-n, --limit <n>', 'how many results', '10')
    .option('--kind <kind>', 'only case, note or runbook')
    .action(act(() => import('./commands/search.js') as Promise<{ run: Runner }>));

  program
    .command('check')
    .description('validate every case, note and runbook; print located problems')
    .option('--json', 'print problems as JSON')
    .option('--strict', 'treat warnings as errors')
    .action(act(() => import('./commands/check.js') as Promise<{ run: Runner }>));

  program
    .command('list')
    .description('list cases and notes (or runbooks)')
    .option('--runbooks', 'list runbooks instead')
    .option('--notes', 'list notes too')
    .option('--kernel <release>', 'hide cases that cannot apply to this `uname -r`')
    .option('--json', 'print JSON')
    .action(act(() => import('./commands/list.js') as Promise<{ run: Runner }>));

  program
    .command('show')
    .description('show a case, note or runbook')
    .argument('<id>', 'the id (see `runbook list`)')
    .option('--json', 'print the normalized entry as JSON')
    .action(act(() => import('./commands/show.js') as Promise<{ run: Runner }>));

  program
    .command('new')
    .description('scaffold a case file with every section and a front matter skeleton')
    .argument('<id>', 'lowercase-words-with-hyphens')
    .option('--note', 'scaffold a background note instead of a case')
    .option('--force', 'overwrite an existing file')
    .option('--stdout', 'print instead of writing content/cases/<id>.md')
    .action(act(() => import('./commands/new.js') as Promise<{ run: Runner }>));

  program
    .command('import')
    .description('draft a case from a raw postmortem (markdown or text, English or Chinese)')
    .argument('<file>', 'the postmortem file')
    .option('--id <id>', 'the id for the draft (default: from the title)')
    .option('--out <file>', 'write the draft here (default: print it)')
    .option('--json', 'print what was found as JSON')
    .action(act(() => import('./commands/import.js') as Promise<{ run: Runner }>));

  program
    .command('parse')
    .description('read pasted command output (stdin or a file) into facts')
    .argument('[file]', 'a file with the output (default: stdin)')
    .option('-c, --command <cmd>', 'the command that produced the output (default: detected)')
    .option('--json', 'print { command, facts, warnings } as JSON')
    .action(
      act(async () => {
        const m = await import('./commands/parse.js');
        return { run: ((o: { args: string[] } & Record<string, unknown>, io: CliIO) => m.run({ ...o, file: o.args[0] }, io)) as unknown as Runner };
      }),
    );

  program
    .command('facts')
    .description('list the fact catalog the parsers produce (what signals and runbooks can test)')
    .argument('[filter]', 'substring to filter fact names')
    .option('--parsers', 'list parsers with their commands and cost instead')
    .option('--json', 'print JSON')
    .action(
      act(async () => {
        const m = await import('./commands/facts.js');
        return { run: ((o: { args: string[] } & Record<string, unknown>, io: CliIO) => m.run({ ...o, filter: o.args[0] }, io)) as unknown as Runner };
      }),
    );

  program
    .command('schema')
    .description('write JSON Schemas for editors (case front matter, runbooks, diagnose input)')
    .option('--out <dir>', 'where to write them (default: schema/ in the package)')
    .action(act(() => import('./commands/schema.js') as Promise<{ run: Runner }>));

  program
    .command('bundle')
    .description('prebuild the knowledge base and search index into lib/ for fast startup')
    .option('--quiet', 'print nothing on success')
    .action(act(() => import('./commands/bundle.js') as Promise<{ run: Runner }>));

  program
    .command('serve')
    .description('start the JSON API (and the built site) for ticketing systems and embeds')
    .option('-p, --port <port>', 'TCP port (0 picks a free one)', String(DEFAULT_PORT))
    .option('--host <host>', 'interface to listen on', DEFAULT_HOST)
    .option('--db <file>', 'SQLite file for sessions (its directory is created)', DEFAULT_DB)
    .option(
      '--threads <n>',
      `engine worker threads that read pastes and replay sessions (0: in the server thread; default: one per spare core, at most ${MAX_DEFAULT_ENGINE_THREADS})`,
    )
    .option(
      '--engine-timeout <ms>',
      'how long an engine worker may spend on one request before the request gets 503 and the worker is replaced (not with --threads 0: the engine in the server thread cannot be interrupted)',
      String(DEFAULT_ENGINE_TIMEOUT_MS),
    )
    .addHelpText(
      'after',
      `
Environment: RUNBOOK_API_KEYS (comma-separated bearer keys, required on writes when set; set
them in production), RUNBOOK_CORS_ORIGINS (browser origins allowed), RUNBOOK_RATE_LIMIT
(requests per minute per key or IP, default ${DEFAULT_RATE_LIMIT}, 0 disables), RUNBOOK_LOG_LEVEL, RUNBOOK_DB_SYNC
(normal or full), RUNBOOK_SESSION_MAX_EVENTS and RUNBOOK_SESSION_MAX_BYTES (how large one
session's log may grow, default ${DEFAULT_SESSION_MAX_EVENTS} events and ${DEFAULT_SESSION_MAX_BYTES / 1024 / 1024} MB). Docs at /docs, OpenAPI at
/v1/openapi.json; stops cleanly on Ctrl-C or SIGTERM.`,
    )
    .action(act(() => import('./commands/serve.js') as Promise<{ run: Runner }>));

  program.addOption(new Option('--no-color', 'disable colours').hideHelp());
  return program;
}

/**
 * Run the CLI with process arguments.
 * @param argv process.argv
 * @returns the exit code
 */
export async function main(argv: string[]): Promise<number> {
  const io = processIO();
  if (argv.includes('--no-color')) io.color = false;
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => (code = c));
  program.exitOverride();
  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof CliError) {
      io.stderr(`runbook: ${e.message}\n`);
      return e.exitCode;
    }
    io.stderr(`runbook: unexpected error: ${(e as Error).message}\nPlease report this with the command you ran.\n`);
    if (process.env.RUNBOOK_DEBUG) io.stderr(`${(e as Error).stack}\n`);
    return EXIT.failure;
  }
}
