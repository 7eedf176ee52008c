/**
 * A runbook session in a URL: the inputs as base64url of their UTF-8 JSON, carried in
 * `#s=...`. Opening the link replays the same inputs, so the same state comes back.
 */
import type { SessionInput } from '../../src/core/engine/session.js';

/**
 * Encode inputs for the URL.
 * @param inputs the session's inputs
 * @returns base64url text (no padding)
 */
export function encodeInputs(inputs: SessionInput[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify(inputs));
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Decode inputs from the URL.
 * @param s base64url text from {@link encodeInputs}
 * @returns the inputs (malformed entries dropped), or undefined when the text is not a session
 */
export function decodeInputs(s: string): SessionInput[] | undefined {
  try {
    const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    const v = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    if (!Array.isArray(v)) return undefined;
    return v.filter((i): i is SessionInput => {
      if (typeof i !== 'object' || i === null) return false;
      const x = i as Record<string, unknown>;
      if (typeof x.node !== 'string') return false;
      if (x.kind === 'choice') return typeof x.choice === 'number' || typeof x.choice === 'string';
      if (x.kind === 'output') return typeof x.output === 'string';
      return x.kind === 'skip';
    });
  } catch {
    return undefined;
  }
}
