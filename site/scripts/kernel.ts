/**
 * Kernel applicability in the browser, with the core's `kernelSatisfies`:
 * - `[data-kernel-filter]` (case list): hides the cases that cannot apply to the entered
 *   `uname -r`; the value is kept in `?kernel=` so the filtered list can be linked.
 * - `[data-kernel-check]` (case page): says whether the case can apply to a kernel.
 * The last kernel entered is remembered (localStorage) and pre-filled on other pages.
 */
import { kernelSatisfies, parseKernel, describeKernel } from '../../src/core/kernel.js';

const KEY = 'netrunbook.kernel';

function remembered(): string {
  try {
    return localStorage.getItem(KEY) ?? '';
  } catch {
    return '';
  }
}

function remember(v: string): void {
  try {
    if (v) localStorage.setItem(KEY, v);
    else localStorage.removeItem(KEY);
  } catch {
    /* private mode */
  }
}

/** `uname -a` pastes work too: take the first token that reads as a release. */
function release(text: string): string {
  const t = text.trim();
  if (!t) return '';
  if (parseKernel(t)) return t;
  for (const tok of t.split(/\s+/)) if (/^\d+\.\d+/.test(tok) && parseKernel(tok)) return tok;
  return t;
}

function setupFilter(root: HTMLElement): void {
  const input = root.querySelector('input')!;
  const status = root.querySelector('[data-kernel-status]')!;
  const rows = Array.from(document.querySelectorAll<HTMLElement>('[data-kernel-range]'));
  const empty = document.querySelector<HTMLElement>('[data-kernel-empty]');
  const apply = (raw: string, fromUser: boolean) => {
    const v = release(raw);
    const k = v ? parseKernel(v) : undefined;
    let shown = 0;
    for (const row of rows) {
      const range = row.dataset.kernelRange ?? '';
      const fits = !k || !range ? true : kernelSatisfies(k, range) !== false;
      row.hidden = !fits;
      if (fits) shown++;
    }
    if (empty) empty.hidden = shown > 0;
    root.classList.toggle('is-invalid', Boolean(v) && !k);
    if (!v) status.textContent = `${rows.length} cases. Enter a kernel release to hide the cases that cannot apply.`;
    else if (!k) status.textContent = `“${v}” is not a kernel release; expected something like 3.10.0-1160.el7.x86_64 or 5.15.0-91-generic.`;
    else status.textContent = `${shown} of ${rows.length} cases can apply to ${describeKernel(k)}; ${rows.length - shown} hidden.`;
    if (fromUser) {
      const u = new URL(window.location.href);
      if (v) u.searchParams.set('kernel', v);
      else u.searchParams.delete('kernel');
      history.replaceState(null, '', u);
      if (!v || k) remember(v);
    }
  };
  const initial = new URL(window.location.href).searchParams.get('kernel') ?? remembered();
  if (initial) input.value = initial;
  apply(input.value, false);
  input.addEventListener('input', () => apply(input.value, true));
}

function setupCheck(root: HTMLElement): void {
  const input = root.querySelector('input')!;
  const out = root.querySelector<HTMLElement>('[data-kernel-status]')!;
  const range = root.dataset.kernelCheck ?? '';
  const apply = (raw: string, fromUser: boolean) => {
    const v = release(raw);
    const k = v ? parseKernel(v) : undefined;
    out.dataset.verdict = '';
    if (!v) out.textContent = '';
    else if (!k) {
      out.textContent = `“${v}” is not a kernel release.`;
      out.dataset.verdict = 'unknown';
    } else {
      const r = kernelSatisfies(k, range);
      out.dataset.verdict = r === true ? 'yes' : r === false ? 'no' : 'unknown';
      out.textContent = r === true ? `Can apply to ${describeKernel(k)}.` : r === false ? `Cannot apply to ${describeKernel(k)}: look elsewhere.` : `Cannot tell for ${describeKernel(k)}.`;
    }
    if (fromUser && (!v || k)) remember(v);
  };
  const initial = remembered();
  if (initial) input.value = initial;
  apply(input.value, false);
  input.addEventListener('input', () => apply(input.value, true));
}

document.querySelectorAll<HTMLElement>('[data-kernel-filter]').forEach(setupFilter);
document.querySelectorAll<HTMLElement>('[data-kernel-check]').forEach(setupCheck);
