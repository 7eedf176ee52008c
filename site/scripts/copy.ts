/**
 * Copy buttons: any `button[data-copy]` copies the text of the `[data-copy-text]` element
 * inside its closest `[data-copy-root]` (or the button's `data-copy` value when it has one).
 * One delegated listener serves static pages and the in-page runbook alike.
 */

/**
 * Put text on the clipboard, with a fallback for pages not served over https or localhost.
 * @param text the text
 * @returns whether it worked
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    /* fall through */
  }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  document.body.append(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}

function onClick(e: MouseEvent): void {
  const btn = (e.target as Element | null)?.closest?.('button[data-copy]');
  if (!(btn instanceof HTMLButtonElement)) return;
  const own = btn.dataset.copy;
  const root = btn.closest('[data-copy-root]');
  const text = own || root?.querySelector('[data-copy-text]')?.textContent || '';
  void copyText(text).then((ok) => {
    const label = btn.querySelector('.nr-copy__label') ?? btn;
    const before = btn.dataset.label ?? label.textContent ?? 'Copy';
    btn.dataset.label = before;
    label.textContent = ok ? 'Copied' : 'Press Ctrl+C';
    btn.classList.toggle('is-done', ok);
    window.setTimeout(() => {
      label.textContent = before;
      btn.classList.remove('is-done');
    }, 1600);
  });
}

const w = window as unknown as { __nrCopy?: boolean };
if (!w.__nrCopy) {
  w.__nrCopy = true;
  document.addEventListener('click', onClick);
}
