/**
 * The in-page runbook: the core's session engine (`replay`, `appendInput`) running in
 * the browser over the runbook and cases embedded in the page.
 *
 * A session is the list of inputs; the state is a replay of that list, exactly as in the
 * CLI and the API. The inputs live in the URL (`#s=` + base64url of their JSON), so a link
 * reproduces the session. Pasted output is only ever handled as text: it goes to the core's
 * parsers as a string and comes back to the page through text nodes (see dom.ts).
 *
 * The engine code loads on "Start" (or at once when the URL carries a session).
 */
import type { EngineData, SessionInput, SessionState, TranscriptStep } from '../../src/core/engine/session.js';
import type { Candidate } from '../../src/core/engine/candidates.js';
import type { CheckCommand } from '../../src/core/schema/runbook.js';
import { toEngineData, type PageEngineJson } from '../lib/engine-data.js';
import { append, h, inlineCode } from './dom.js';
import { copyText } from './copy.js';
import { decodeInputs, encodeInputs } from './session-url.js';

type Engine = typeof import('./runbook-engine.js');

const STATUS_LABEL: Record<Candidate['status'], string> = { confirmed: 'Confirmed', likely: 'Likely', possible: 'Possible', 'ruled-out': 'Ruled out' };

function hashInputs(): SessionInput[] | undefined {
  const m = /(?:^#|&)s=([A-Za-z0-9_-]*)/.exec(window.location.hash);
  return m ? decodeInputs(m[1]) : undefined;
}

class RunbookApp {
  private data: EngineData;
  private inputs: SessionInput[] = [];
  private engine: Engine | undefined;
  private app: HTMLElement;
  private notice = '';
  private error = '';
  private draft = '';
  private draftCommand = '';
  private timer: number | undefined;

  constructor(
    private root: HTMLElement,
    private runbookId: string,
    json: PageEngineJson,
  ) {
    this.data = toEngineData(json);
    this.app = root.querySelector<HTMLElement>('[data-rb-app]')!;
    root.querySelector('[data-rb-start]')?.addEventListener('click', () => void this.start([]));
    window.addEventListener('hashchange', () => {
      const inputs = hashInputs();
      if (inputs && JSON.stringify(inputs) !== JSON.stringify(this.inputs)) void this.start(inputs);
    });
    const initial = hashInputs();
    if (initial) void this.start(initial, true);
    else if (window.location.hash === '#run') void this.start([], true);
  }

  private async start(inputs: SessionInput[], fromLink = false): Promise<void> {
    if (!this.engine) {
      this.root.classList.add('is-loading');
      this.engine = await import('./runbook-engine.js');
      this.root.classList.remove('is-loading');
    }
    this.root.classList.add('is-running');
    this.app.hidden = false;
    this.inputs = inputs;
    this.error = '';
    this.notice = '';
    const r = this.engine.replay(this.data, this.runbookId, inputs);
    if (this.engine.isInputError(r)) {
      const at = (r as { index?: number }).index ?? 0;
      this.inputs = inputs.slice(0, at);
      this.notice = `This link's session could not be replayed past step ${at + 1} (${r.message}); it continues from there.`;
    }
    this.save();
    this.render();
    if (fromLink) this.root.scrollIntoView({ block: 'start' });
  }

  private save(): void {
    const hash = this.inputs.length ? `#s=${encodeInputs(this.inputs)}` : '#run';
    history.replaceState(null, '', `${window.location.pathname}${window.location.search}${hash}`);
  }

  private state(): SessionState {
    const r = this.engine!.replay(this.data, this.runbookId, this.inputs);
    if (this.engine!.isInputError(r)) throw new Error(r.message);
    return r;
  }

  private submit(input: SessionInput): void {
    const r = this.engine!.appendInput(this.data, this.runbookId, this.inputs, input);
    if (this.engine!.isInputError(r)) {
      this.error = r.message;
      this.render();
      return;
    }
    this.inputs = [...this.inputs, input];
    this.error = '';
    this.notice = '';
    this.draft = '';
    this.draftCommand = '';
    this.save();
    this.render();
    this.app.querySelector<HTMLElement>('.rb-step')?.focus({ preventScroll: false });
  }

  private back(): void {
    this.inputs = this.inputs.slice(0, -1);
    this.error = '';
    this.save();
    this.render();
  }

  private caseTitle(id: string): string {
    return this.data.cases.get(id)?.title ?? id;
  }

  private caseHref(id: string): string {
    return `${this.root.dataset.base}cases/${encodeURIComponent(id)}/`;
  }

  private render(): void {
    window.clearInterval(this.timer);
    const st = this.state();
    const draftEl = this.app.querySelector<HTMLTextAreaElement>('textarea');
    if (draftEl) this.draft = draftEl.value;
    this.app.replaceChildren();
    append(this.app, [
      this.toolbar(st),
      this.notice ? h('p.rb-notice', { role: 'status' }, this.notice) : null,
      h('div.rb-grid', null, h('div.rb-main', null, this.current(st), this.lastReading(st), this.history(st)), h('aside.rb-side', { 'aria-label': 'Candidate causes' }, this.candidates(st), this.factsPanel(st))),
    ]);
    this.highlight(st);
  }

  private toolbar(st: SessionState): HTMLElement {
    const steps = this.inputs.length;
    return h(
      'div.rb-toolbar',
      null,
      h('span.rb-progress', null, st.finished ? 'Concluded' : `Step ${steps + 1}`, st.runbook !== this.runbookId ? ` · now in “${this.data.runbooks.get(st.runbook)?.title ?? st.runbook}”` : ''),
      h('span.rb-toolbar__actions', null,
        h('button.rb-btn.rb-btn--ghost', { type: 'button', disabled: steps === 0, onclick: () => this.back(), 'data-rb-back': true }, '← Back'),
        h('button.rb-btn.rb-btn--ghost', { type: 'button', disabled: steps === 0, onclick: () => void this.start([]) }, 'Start over'),
        h('button.rb-btn.rb-btn--ghost', { type: 'button', onclick: (e: Event) => void this.flash(e.currentTarget as HTMLButtonElement, copyText(window.location.href), 'Link copied') }, 'Copy link'),
        h('button.rb-btn.rb-btn--ghost', { type: 'button', onclick: (e: Event) => void this.flash(e.currentTarget as HTMLButtonElement, copyText(this.engine!.trailMarkdown(this.engine!.evidenceTrail(st, this.data))), 'Summary copied') }, 'Copy summary'),
      ),
    );
  }

  private async flash(btn: HTMLButtonElement, p: Promise<boolean>, done: string): Promise<void> {
    const before = btn.textContent;
    btn.textContent = (await p) ? done : 'Copy failed';
    window.setTimeout(() => (btn.textContent = before), 1600);
  }

  private current(st: SessionState): HTMLElement {
    const cur = st.current;
    const err = this.error ? h('p.rb-error', { role: 'alert' }, this.error) : null;
    if (cur.type === 'ask') {
      return h('section.rb-step.rb-step--ask', { tabindex: '-1', 'aria-live': 'polite', 'data-node': cur.node },
        h('p.rb-step__kind', null, 'Question'),
        h('h3.rb-step__title', null, cur.question),
        cur.why ? h('p.rb-step__why', null, ...inlineCode(cur.why)) : null,
        h('div.rb-choices', { role: 'group', 'aria-label': 'Answers' },
          cur.choices.map((c) => h('button.rb-choice', { type: 'button', 'data-choice': c.index, onclick: () => this.submit({ kind: 'choice', node: cur.node, choice: c.index, at: new Date().toISOString() }) }, h('span.rb-choice__n', null, String(c.index)), h('span', null, c.label))),
        ),
        err,
      );
    }
    if (cur.type === 'check') {
      const again = cur.againAfterSeconds;
      const textarea = h('textarea.rb-paste', { id: `rb-paste-${cur.node}`, rows: 9, spellcheck: 'false', autocomplete: 'off', placeholder: 'Paste what the command printed (text only; it stays in this page)', 'data-rb-paste': true }) as HTMLTextAreaElement;
      textarea.value = this.draft;
      const select = h('select.rb-select', { 'aria-label': 'Which command produced it' },
        h('option', { value: '' }, 'Detect the command'),
        cur.commands.map((c) => h('option', { value: c.command }, c.command)),
      ) as HTMLSelectElement;
      select.value = this.draftCommand;
      select.addEventListener('change', () => (this.draftCommand = select.value));
      const read = () => {
        const output = textarea.value;
        this.draft = output;
        this.submit({ kind: 'output', node: cur.node, output, ...(select.value ? { command: select.value } : {}), at: new Date().toISOString() });
      };
      textarea.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          read();
        }
      });
      let countdown: HTMLElement | null = null;
      if (again) {
        countdown = h('span.rb-countdown', null);
        const started = Date.now();
        const tick = () => {
          const left = Math.max(0, again - Math.round((Date.now() - started) / 1000));
          countdown!.textContent = left > 0 ? `${left} s` : 'now';
          if (!left) window.clearInterval(this.timer);
        };
        tick();
        this.timer = window.setInterval(tick, 1000);
      }
      return h('section.rb-step.rb-step--check', { tabindex: '-1', 'aria-live': 'polite', 'data-node': cur.node },
        h('p.rb-step__kind', null, cur.snapshots ? `Check · snapshot ${cur.snapshots + 1}` : 'Check'),
        h('h3.rb-step__title', null, cur.title),
        h('p.rb-step__why', null, ...inlineCode(cur.why)),
        again ? h('p.rb-again', { role: 'status' }, `First snapshot read. Run the same command again `, countdown, ` after the first (${again} s apart) and paste it, so rising counters show; or skip.`) : null,
        h('ol.rb-commands', null, cur.commands.map((c, i) => this.command(c, i === 0))),
        h('label.rb-label', { for: textarea.id }, 'Paste the output'),
        textarea,
        h('div.rb-actions', null,
          h('button.rb-btn.rb-btn--primary', { type: 'button', onclick: read, 'data-rb-read': true }, again ? 'Read second snapshot' : 'Read output'),
          select,
          h('button.rb-btn.rb-btn--ghost', { type: 'button', onclick: () => this.submit({ kind: 'skip', node: cur.node, at: new Date().toISOString() }), 'data-rb-skip': true }, again ? 'Continue with one snapshot' : 'Skip this check'),
        ),
        h('p.rb-tip', null, 'Tip: Ctrl+Enter reads the output. Several commands can be pasted at once with their prompt lines.'),
        err,
      );
    }
    // conclusion
    const byId = new Map(st.candidates.map((c) => [c.id, c]));
    return h('section.rb-step.rb-step--conclude', { tabindex: '-1', 'aria-live': 'polite', 'data-node': cur.node, 'data-rb-conclusion': true },
      h('p.rb-step__kind', null, `Conclusion · ${cur.confidence} confidence`),
      cur.cases.length === 0 ? h('h3.rb-step__title', null, 'None of the causes this runbook knows fits') : null,
      cur.message ? h('p.rb-step__lead', null, ...inlineCode(cur.message)) : null,
      cur.cases.map((id) => {
        const c = byId.get(id);
        return h('div.rb-verdict', null,
          h('h3.rb-step__title', null, h('a', { href: this.caseHref(id), 'data-rb-case': id }, this.caseTitle(id))),
          c ? h('span', { class: `rb-status rb-status--${c.status}` }, STATUS_LABEL[c.status]) : null,
          c && c.why.length ? h('ul.rb-why', null, c.why.map((w) => h('li', null, ...inlineCode(w)))) : null,
          h('p', null, h('a.rb-btn.rb-btn--primary', { href: this.caseHref(id) }, 'Open the case: fix and risks →')),
        );
      }),
    );
  }

  private command(c: CheckCommand, first: boolean): HTMLElement {
    return h('li.rb-command', null,
      h('div.nr-cmd', { 'data-copy-root': true },
        h('pre.nr-cmd__pre', null, h('span.nr-cmd__prompt', { 'aria-hidden': 'true' }, '$'), h('code', { 'data-copy-text': true }, c.command)),
        h('button.nr-copy', { type: 'button', 'data-copy': '', 'aria-label': `Copy: ${c.command}` }, h('span.nr-copy__label', null, 'Copy')),
      ),
      c.why || c.twiceSeconds ? h('p.rb-command__why', null, first ? h('strong', null, 'Recommended. ') : null, c.why ?? '', c.twiceSeconds ? ` Take it twice, ${c.twiceSeconds} s apart.` : '') : null,
    );
  }

  /** What the last pasted output gave: the command recognized, its facts, warnings, the branch taken. */
  private lastReading(st: SessionState): HTMLElement | null {
    const last = [...st.transcript].reverse().find((t) => t.kind === 'output' || t.kind === 'skip' || t.kind === 'choice');
    if (!last) return null;
    const readings = last.readings ?? [];
    const engine = this.engine!;
    const rel = engine.relevantFacts(st, this.data);
    return h('section.rb-read', { 'aria-label': 'What was read', 'data-rb-read-panel': true },
      h('h3.rb-h', null, last.kind === 'output' ? 'What was read' : 'Last step'),
      last.kind === 'choice' ? h('p', null, 'You answered ', h('q', null, last.answer ?? ''), ' to ', h('q', null, last.prompt), '.') : null,
      last.kind === 'skip' ? h('p', null, 'Skipped ', h('q', null, last.prompt), '.') : null,
      readings.map((r) => {
        const delta = st.deltas;
        const score = (k: string) => (delta[k] && delta[k].delta !== 0 ? 0 : rel.has(k) ? 1 : 2);
        const facts = Object.entries(r.facts).sort((a, b) => score(a[0]) - score(b[0]));
        const shown = facts.slice(0, 14);
        return h('div.rb-reading', null,
          h('p.rb-reading__head', null,
            r.parser ? ['Read as ', h('code', null, r.command ?? r.parser), ` (parser ${r.parser}): `, `${facts.length} fact${facts.length === 1 ? '' : 's'}.`] : 'This output could not be read.'),
          facts.length
            ? h('table.rb-facts', null, h('tbody', null, shown.map(([k, v]) => h('tr', { class: rel.has(k) ? 'is-relevant' : undefined }, h('th', { scope: 'row' }, h('code', null, k)), h('td', null, engine.formatFactValue(v), delta[k] && delta[k].delta !== 0 ? h('span.rb-delta', null, ` ${engine.formatDelta(delta[k])}`) : null)))))
            : null,
          facts.length > shown.length ? h('details.rb-more', null, h('summary', null, `All ${facts.length} facts`), h('table.rb-facts', null, h('tbody', null, facts.slice(shown.length).map(([k, v]) => h('tr', null, h('th', { scope: 'row' }, h('code', null, k)), h('td', null, engine.formatFactValue(v))))))) : null,
          r.warnings.length ? h('ul.rb-warnings', null, r.warnings.map((w) => h('li', null, ...inlineCode(w)))) : null,
          h('details.rb-more', null, h('summary', null, 'What you pasted'), h('pre.rb-excerpt', { 'data-rb-excerpt': true }, r.excerpt)),
        );
      }),
      last.outcome ? h('p.rb-outcome', null, '→ ', ...inlineCode(last.outcome)) : null,
      this.moves(last),
    );
  }

  private moves(t: TranscriptStep): HTMLElement | null {
    if (!t.moved.length) return null;
    return h('ul.rb-moves', null, t.moved.map((m) => h('li', null,
      h('span', { class: `rb-status rb-status--${m.to}` }, STATUS_LABEL[m.to]),
      ' ', h('a', { href: this.caseHref(m.id) }, this.caseTitle(m.id)),
      m.why.length ? h('span.rb-moves__why', null, ': ', ...inlineCode(m.why.join('; '))) : null,
    )));
  }

  private candidates(st: SessionState): HTMLElement {
    const moved = new Set(st.transcript[st.transcript.length - 1]?.moved.map((m) => m.id) ?? []);
    const live = st.candidates.filter((c) => c.status !== 'ruled-out');
    const out = st.candidates.filter((c) => c.status === 'ruled-out');
    const item = (c: Candidate) =>
      h('li', { class: `rb-cand rb-cand--${c.status}${moved.has(c.id) ? ' is-moved' : ''}`, 'data-candidate': c.id, 'data-status': c.status },
        h('div.rb-cand__head', null, h('span', { class: `rb-status rb-status--${c.status}` }, STATUS_LABEL[c.status]), h('a.rb-cand__title', { href: this.caseHref(c.id) }, c.title)),
        h('span.rb-meter', { 'aria-hidden': 'true' }, h('span', { style: `width:${Math.round(Math.max(0.04, Math.min(1, c.score)) * 100)}%` })),
        c.why.length ? h('details.rb-cand__why', { open: moved.has(c.id) && c.status !== 'ruled-out' && !st.finished }, h('summary', null, `Why (${c.why.length})`), h('ul', null, c.why.map((w) => h('li', null, ...inlineCode(w))))) : null,
      );
    return h('section.rb-cands', null,
      h('h3.rb-h', null, 'Candidate causes'),
      h('ol.rb-cand-list', null, live.map(item)),
      out.length ? h('details.rb-ruled', { open: out.length <= 3 }, h('summary', null, `Ruled out (${out.length})`), h('ol.rb-cand-list', null, out.map(item))) : null,
    );
  }

  private factsPanel(st: SessionState): HTMLElement | null {
    const rising = Object.entries(st.deltas).filter(([, d]) => d.delta !== 0);
    const n = Object.keys(st.facts).length;
    if (!n) return null;
    return h('section.rb-known', null,
      h('h3.rb-h', null, 'Known so far'),
      h('p', null, `${n} fact${n === 1 ? '' : 's'} from your answers and pastes.`),
      rising.length
        ? h('ul.rb-deltas', null, rising.slice(0, 10).map(([k, d]) => h('li', null, h('code', null, k.split('.').slice(-1)[0]), ` ${this.engine!.formatDelta(d)}`)))
        : null,
    );
  }

  private history(st: SessionState): HTMLElement | null {
    const steps = st.transcript.filter((t) => t.kind !== 'conclude');
    if (!steps.length) return null;
    return h('details.rb-history', null,
      h('summary', null, `Steps so far (${steps.length})`),
      h('ol', null, steps.map((t) => h('li', null,
        h('span.rb-history__prompt', null, t.prompt), ' — ',
        t.kind === 'choice' ? h('q', null, t.answer ?? '') : t.kind === 'skip' ? 'skipped' : t.kind === 'route' ? 'continued' : `pasted ${t.readings?.length ?? 0} output${t.readings?.length === 1 ? '' : 's'}`,
        t.outcome ? h('span.rb-history__outcome', null, ' → ', t.outcome) : null,
      ))),
    );
  }

  /** Mark the visited and current nodes on the page's tree. */
  private highlight(st: SessionState): void {
    const tree = document.querySelector('.rb-tree');
    if (!tree) return;
    tree.querySelectorAll('.is-visited, .is-current').forEach((n) => n.classList.remove('is-visited', 'is-current'));
    const path = st.transcript.filter((t) => t.runbook === this.runbookId).map((t) => t.node);
    for (let i = 0; i < path.length; i++) {
      tree.querySelector(`.rb-node[data-node="${CSS.escape(path[i])}"]`)?.classList.add('is-visited');
      const next = path[i + 1] ?? (st.runbook === this.runbookId ? st.current.node : undefined);
      if (next) tree.querySelectorAll(`[data-from="${CSS.escape(path[i])}"][data-to="${CSS.escape(next)}"]`).forEach((e) => e.classList.add('is-visited'));
    }
    const cur = st.runbook === this.runbookId ? tree.querySelector(`.rb-node[data-node="${CSS.escape(st.current.node)}"]`) : null;
    cur?.classList.add('is-current');
    // Bring the current step into the tree's view, sideways only (the page does not move).
    const box = tree.closest('.rb-scroll');
    if (cur && box) {
      const r = cur.getBoundingClientRect();
      const c = box.getBoundingClientRect();
      box.scrollLeft += r.left + r.width / 2 - (c.left + c.width / 2);
      box.scrollTop += r.top + r.height / 2 - (c.top + c.height / 2);
    }
  }
}

document.querySelectorAll<HTMLElement>('[data-rb-runbook]').forEach((root) => {
  const script = root.querySelector('script[type="application/json"]');
  if (!script?.textContent) return;
  new RunbookApp(root, root.dataset.rbRunbook!, JSON.parse(script.textContent) as PageEngineJson);
});
