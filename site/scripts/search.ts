/**
 * The `<nr-search>` element: a combobox over the core's search index.
 *
 * Nothing heavy loads with the page: on the first focus the element fetches the
 * index JSON and imports the core's search code (a separate chunk), then runs
 * `search()` on every keystroke. Results are built with text nodes only; the
 * snippet's marks become `<mark>` elements around text nodes, never HTML.
 */
import type { SearchIndex, SearchResult } from '../../src/core/search/engine.js';

type Engine = { index: SearchIndex; search: (q: string) => SearchResult[] };

let enginePromise: Promise<Engine> | undefined;

/** Load the index and the search code once per page, shared by every box. */
function loadEngine(indexUrl: string): Promise<Engine> {
  enginePromise ??= (async () => {
    const [mod, artifact] = await Promise.all([
      import('../../src/core/search/engine.js'),
      fetch(indexUrl).then((r) => {
        if (!r.ok) throw new Error(`search index: HTTP ${r.status}`);
        return r.json();
      }),
    ]);
    const index = mod.loadSearchIndex(artifact);
    return { index, search: (q: string) => mod.search(index, q, { limit: 12 }) };
  })();
  enginePromise.catch(() => (enginePromise = undefined));
  return enginePromise;
}

const KIND_LABEL: Record<string, string> = { case: 'Case', note: 'Note', runbook: 'Runbook' };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** The snippet as text nodes and `<mark>`s. */
function snippetNodes(r: SearchResult): Node[] {
  const out: Node[] = [];
  const text = r.snippet.text;
  let at = 0;
  for (const [s, e] of r.snippet.marks) {
    if (s < at || e > text.length || e <= s) continue;
    if (s > at) out.push(document.createTextNode(text.slice(at, s)));
    out.push(el('mark', undefined, text.slice(s, e)));
    at = e;
  }
  if (at < text.length) out.push(document.createTextNode(text.slice(at)));
  return out;
}

class NrSearch extends HTMLElement {
  private input!: HTMLInputElement;
  private panel!: HTMLElement;
  private list!: HTMLUListElement;
  private status!: HTMLElement;
  private results: SearchResult[] = [];
  private active = -1;
  private seq = 0;
  private timer: number | undefined;

  connectedCallback(): void {
    this.input = this.querySelector('input')!;
    this.panel = this.querySelector('.nr-search__panel')!;
    this.list = this.querySelector('ul')!;
    this.status = this.querySelector('.nr-search__status')!;
    this.input.addEventListener('focus', () => {
      void this.warm();
      if (this.input.value.trim()) this.run();
    });
    this.input.addEventListener('input', () => {
      window.clearTimeout(this.timer);
      this.timer = window.setTimeout(() => this.run(), 40);
    });
    this.input.addEventListener('keydown', (e) => this.onKey(e));
    this.list.addEventListener('mousedown', (e) => e.preventDefault());
    document.addEventListener('click', (e) => {
      if (!this.contains(e.target as Node)) this.close();
    });
    this.addEventListener('focusout', (e) => {
      if (!this.contains(e.relatedTarget as Node | null)) this.close();
    });
    if (this.dataset.variant === 'header') {
      document.addEventListener('keydown', (e) => {
        const t = e.target as HTMLElement | null;
        const typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
        if ((e.key === '/' && !typing) || ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k')) {
          e.preventDefault();
          this.input.focus();
          this.input.select();
        }
      });
    }
  }

  private warm(): Promise<Engine | undefined> {
    const first = !enginePromise;
    if (first) this.setStatus('Loading the search index…');
    return loadEngine(this.dataset.index!).then(
      (eng) => {
        if (first && !this.input.value.trim()) this.setStatus('');
        return eng;
      },
      (err: unknown) => {
        this.setStatus(`Search is unavailable: ${err instanceof Error ? err.message : String(err)}`);
        this.open();
        return undefined;
      },
    );
  }

  private setStatus(text: string): void {
    this.status.textContent = text;
    this.status.hidden = text === '';
  }

  private async run(): Promise<void> {
    const q = this.input.value;
    const mine = ++this.seq;
    if (!q.trim()) {
      this.results = [];
      this.render();
      this.close();
      return;
    }
    const eng = await this.warm();
    if (!eng || mine !== this.seq) return;
    this.results = eng.search(q);
    this.active = this.results.length ? 0 : -1;
    this.render();
    this.setStatus(this.results.length ? '' : `Nothing matches “${q.trim()}”. Try a counter name, a command or a symptom in other words.`);
    this.open();
  }

  private href(r: SearchResult): string {
    const dir = r.kind === 'case' ? 'cases' : r.kind === 'note' ? 'notes' : 'runbooks';
    return `${this.dataset.base}${dir}/${encodeURIComponent(r.id)}/`;
  }

  private render(): void {
    const idBase = this.list.id;
    this.list.replaceChildren(
      ...this.results.map((r, i) => {
        const li = el('li', 'nr-search__item');
        li.id = `${idBase}-${i}`;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', String(i === this.active));
        li.dataset.kind = r.kind;
        li.dataset.id = r.id;
        const a = el('a', 'nr-search__link');
        a.href = this.href(r);
        a.tabIndex = -1;
        const head = el('span', 'nr-search__head');
        head.append(el('span', `nr-kind nr-kind--${r.kind}`, KIND_LABEL[r.kind] ?? r.kind), el('span', 'nr-search__title', r.title));
        const snip = el('span', 'nr-search__snippet');
        snip.append(...snippetNodes(r));
        a.append(head, snip);
        a.addEventListener('mouseenter', () => this.setActive(i, false));
        li.append(a);
        return li;
      }),
    );
    this.input.setAttribute('aria-activedescendant', this.active >= 0 ? `${idBase}-${this.active}` : '');
  }

  private setActive(i: number, scroll = true): void {
    this.active = i;
    this.list.querySelectorAll('[role=option]').forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
    if (i >= 0) {
      this.input.setAttribute('aria-activedescendant', `${this.list.id}-${i}`);
      if (scroll) this.list.children[i]?.scrollIntoView({ block: 'nearest' });
    }
  }

  private open(): void {
    this.panel.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    this.classList.add('is-open');
  }

  private close(): void {
    this.panel.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.classList.remove('is-open');
  }

  private onKey(e: KeyboardEvent): void {
    const n = this.results.length;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (!n) return;
      e.preventDefault();
      if (this.panel.hidden) {
        this.open();
        return;
      }
      const next = e.key === 'ArrowDown' ? (this.active + 1) % n : (this.active - 1 + n) % n;
      this.setActive(next);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const r = this.results[this.active >= 0 ? this.active : 0];
      if (r) window.location.assign(this.href(r));
      else void this.run();
    } else if (e.key === 'Escape') {
      if (!this.panel.hidden) {
        e.preventDefault();
        this.close();
      } else if (this.input.value) {
        e.preventDefault();
        this.input.value = '';
      } else this.input.blur();
    }
  }
}

if (!customElements.get('nr-search')) customElements.define('nr-search', NrSearch);

// Example queries on the home page fill the large box and search.
document.addEventListener('click', (e) => {
  const btn = (e.target as Element | null)?.closest?.('[data-search-example]');
  if (!(btn instanceof HTMLElement)) return;
  const box = document.querySelector<HTMLElement>('nr-search[data-variant="hero"]') ?? document.querySelector<HTMLElement>('nr-search');
  const input = box?.querySelector('input');
  if (!input) return;
  input.value = btn.dataset.searchExample ?? '';
  input.focus();
  input.dispatchEvent(new Event('input', { bubbles: true }));
});
