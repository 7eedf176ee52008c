/**
 * String helpers shared across the core.
 */

/**
 * A copy of a string that holds on to none of the text it was cut from. JavaScript engines keep a
 * substring (from `slice`, `split` or a regex match) as a view of its parent, so a short key cut
 * from a 1 MB paste and kept in a module-level memo would keep the whole paste alive. For keys a
 * memo keeps past the call that read them.
 * @param s the string
 * @returns an equal string of its own
 */
export function detached(s: string): string {
  return structuredClone(s);
}
