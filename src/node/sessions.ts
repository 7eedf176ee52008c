/**
 * Local session files for the CLI: `runbook start` saves every input so
 * `runbook resume` can continue. One JSON file per session, written atomically.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { SessionInput } from '../core/engine/session.js';

/** A saved session. */
export interface SavedSession {
  id: string;
  runbook: string;
  symptom?: string;
  createdAt: string;
  updatedAt: string;
  finished: boolean;
  inputs: SessionInput[];
}

/**
 * The directory sessions are saved in: `RUNBOOK_STATE_DIR`, else `$XDG_STATE_HOME/runbook/sessions`,
 * else `~/.local/state/runbook/sessions`.
 * @returns the directory path
 */
export function sessionsDir(): string {
  if (process.env.RUNBOOK_STATE_DIR) return join(process.env.RUNBOOK_STATE_DIR, 'sessions');
  const base = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'runbook', 'sessions');
}

/**
 * Create a new session record (not yet written).
 * @param runbook the runbook id
 * @param symptom the symptom text, if any
 * @returns the record
 */
export function newSession(runbook: string, symptom?: string): SavedSession {
  const now = new Date().toISOString();
  return { id: randomUUID().slice(0, 8), runbook, ...(symptom ? { symptom } : {}), createdAt: now, updatedAt: now, finished: false, inputs: [] };
}

/**
 * Save a session atomically.
 * @param s the session
 * @returns the file path
 */
export function saveSession(s: SavedSession): string {
  const dir = sessionsDir();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${s.id}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ ...s, updatedAt: new Date().toISOString() }, null, 2));
  renameSync(tmp, file);
  return file;
}

/**
 * Read a saved session.
 * @param id the session id
 * @returns the session, or undefined
 */
export function readSession(id: string): SavedSession | undefined {
  const file = join(sessionsDir(), `${id}.json`);
  if (!existsSync(file)) return undefined;
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    // Another program's file, or one cut short: not a session.
    return isSavedSession(s) ? s : undefined;
  } catch {
    return undefined;
  }
}

function isSavedSession(s: unknown): s is SavedSession {
  const o = s as Partial<SavedSession> | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.id === 'string' &&
    typeof o.runbook === 'string' &&
    typeof o.createdAt === 'string' &&
    typeof o.updatedAt === 'string' &&
    typeof o.finished === 'boolean' &&
    Array.isArray(o.inputs) &&
    o.inputs.every((i) => typeof i === 'object' && i !== null && typeof (i as { node?: unknown }).node === 'string')
  );
}

/**
 * Every saved session, most recently updated first.
 * @returns sessions
 */
export function listSessions(): SavedSession[] {
  const dir = sessionsDir();
  if (!existsSync(dir)) return [];
  const out: SavedSession[] = [];
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.json')) continue;
    const s = readSession(f.slice(0, -5));
    if (s) out.push(s);
  }
  return out.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}
