/**
 * A line reader for interactive prompts that also reads multi-line pastes:
 * an empty line ends a paste (on a terminal, unless more pasted lines follow
 * at once), and Ctrl-D ends it too (on a terminal, reading then continues
 * from /dev/tty).
 */
import { createInterface, type Interface } from 'node:readline';
import { openSync } from 'node:fs';
import { ReadStream } from 'node:tty';

/** Reads lines on demand. */
export class LineReader {
  private queue: string[] = [];
  private waiters: ((line: string | null) => void)[] = [];
  private closed = false;
  private rl!: Interface;
  /** Set when the last paste was ended by Ctrl-D (end of input). */
  sawEof = false;

  /**
   * @param input the stream to read (stdin)
   * @param output where prompts go (stdout)
   * @param terminal whether input is an interactive terminal
   */
  constructor(
    private input: NodeJS.ReadableStream,
    private output: NodeJS.WritableStream,
    private terminal: boolean,
  ) {
    this.open(input);
  }

  private open(input: NodeJS.ReadableStream): void {
    this.rl = createInterface({ input, output: this.terminal ? this.output : undefined, terminal: this.terminal, crlfDelay: Infinity });
    this.rl.on('line', (line) => {
      const w = this.waiters.shift();
      if (w) w(line);
      else this.queue.push(line);
    });
    this.rl.on('close', () => {
      this.sawEof = true;
      const waiters = this.waiters.splice(0);
      if (this.terminal && !this.closed) {
        // Ctrl-D on a terminal ends one paste, not the session: reopen the terminal.
        try {
          const tty = new ReadStream(openSync('/dev/tty', 'r'));
          this.open(tty);
          for (const w of waiters) w(null);
          return;
        } catch {
          /* fall through: no terminal to reopen */
        }
      }
      this.closed = true;
      for (const w of waiters) w(null);
    });
  }

  /**
   * Show a prompt (terminal only).
   * @param text the prompt
   */
  prompt(text: string): void {
    if (this.terminal) {
      this.rl.setPrompt(text);
      this.rl.prompt();
    } else {
      this.output.write(text);
    }
  }

  /**
   * The next line, or null at end of input.
   * @returns the line
   */
  next(): Promise<string | null> {
    this.sawEof = false;
    if (this.queue.length) return Promise.resolve(this.queue.shift()!);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Wait briefly for another line (used to tell a pasted blank line from the user's Enter).
   * @param ms how long to wait
   * @returns true when a line is waiting
   */
  async more(ms: number): Promise<boolean> {
    if (this.queue.length) return true;
    if (this.closed) return false;
    await new Promise((r) => setTimeout(r, ms));
    return this.queue.length > 0;
  }

  /**
   * Read a multi-line paste: until an empty line that no pasted line follows, or Ctrl-D.
   * @param first the first line, already read
   * @returns the pasted text
   */
  async readPaste(first: string): Promise<string> {
    const lines = [first];
    for (;;) {
      if (this.terminal) this.rl.setPrompt('');
      const line = await this.next();
      if (line === null) break;
      if (line.trim() === '') {
        // On a terminal, a blank line that more pasted lines follow at once belongs to the paste;
        // from a pipe every line is already queued, so a blank line always ends the paste.
        if (this.terminal && (await this.more(150))) {
          lines.push(line);
          continue;
        }
        break;
      }
      lines.push(line);
    }
    return lines.join('\n');
  }

  /** Stop reading. */
  close(): void {
    this.closed = true;
    this.rl.close();
  }
}
