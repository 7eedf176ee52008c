import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../src/node/project.js';
import { isKnownFact } from '../src/core/parsers/index.js';
import { conditionFacts } from '../src/core/schema/condition.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const catalog = JSON.parse(readFileSync(join(ROOT, 'content', 'catalog.json'), 'utf8')) as { cases: { id: string }[] };
const project = loadProject({ root: ROOT, fromSources: true });

describe('the corpus', () => {
  it('loads without errors', () => {
    expect(project.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('has a valid case file for every catalog id', () => {
    const missing = catalog.cases.map((c) => c.id).filter((id) => project.kb.byId.get(id)?.kind !== 'case');
    expect(missing).toEqual([]);
    expect(catalog.cases.length).toBe(31);
  });

  describe.each(catalog.cases.map((c) => c.id))('%s', (id) => {
    const e = project.kb.byId.get(id)!;
    it('has symptoms with Chinese aliases, evidence with what to look for, root cause, fix, applies and a source', () => {
      expect(e.symptoms.length).toBeGreaterThan(0);
      expect(e.symptoms.flatMap((s) => s.aliases).some((a) => /[\u4e00-\u9fff]/.test(a))).toBe(true);
      expect(e.evidence.length).toBeGreaterThan(0);
      for (const ev of e.evidence) expect(ev.lookFor.length, ev.command).toBeGreaterThan(10);
      expect(e.rootCause.length).toBeGreaterThan(200);
      expect(e.fix.steps.length + e.fix.commands.length).toBeGreaterThan(0);
      expect(e.applies.markdown.length).toBeGreaterThan(0);
      expect(e.sources.some((s) => s.seed)).toBe(true);
    });
    it('uses only facts the parsers produce, and links related cases that exist', () => {
      for (const s of e.signals) for (const f of conditionFacts(s.when)) expect(isKnownFact(f), f).toBe(true);
      for (const r of e.related) expect(project.kb.byId.has(r), r).toBe(true);
    });
    it('is the conclusion of at least one runbook', () => {
      const concluding = project.runbooks.filter((rb) => Object.values(rb.nodes).some((n) => n.type === 'conclude' && n.cases.includes(id)));
      expect(concluding.length).toBeGreaterThan(0);
    });
  });

  it('links the look-alike groups to each other', () => {
    const groups = [
      ['tcp-tw-recycle-nat-paws', 'nat-timewait-port-reuse-paws', 'lvs-probe-rst-dropped-paws'],
      ['accept-queue-overflow', 'syn-queue-overflow'],
      ['dns-5s-conntrack-dnat-race', 'go-resolver-dns-before-hosts', 'musl-dns-query-id-collision'],
    ];
    for (const g of groups) {
      for (const a of g) for (const b of g) if (a !== b) expect(project.kb.byId.get(a)!.related, `${a} -> ${b}`).toContain(b);
    }
  });

  it('keeps the catalog kernel ranges', () => {
    expect(project.kb.byId.get('tcp-tw-recycle-nat-paws')!.applies.kernel).toBe('<4.12');
    expect(project.kb.byId.get('tcp-no-fast-retransmit-sack-fix-regression')!.applies.kernel).toBe('el7 <3.10.0-1062.1.1');
    expect(project.kb.byId.get('softirq-hotspot-reuseport-listener-lookup')!.applies.kernel).toBe('<4.17');
  });
});
