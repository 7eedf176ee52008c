import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as api from '../src/core/search/index.js';
import {
  analyze,
  buildSearchIndex,
  exportSearchIndex,
  loadSearchIndex,
  markSnippet,
  search,
  searchDocsFromEntries,
  searchDocsFromRunbooks,
  type SearchDoc,
  type SearchResult,
} from '../src/core/search/index.js';
import type { Entry } from '../src/core/schema/case.js';
import type { Runbook } from '../src/core/schema/runbook.js';

/** A small corpus written for these tests (not the evaluation queries). */
function doc(id: string, parts: Partial<SearchDoc['fields']> & { kind?: SearchDoc['kind']; passages?: string[] }): SearchDoc {
  const fields = { title: '', symptoms: '', summary: '', tags: '', evidence: '', cause: '', body: '', ...parts };
  return {
    id,
    kind: parts.kind ?? 'case',
    title: fields.title,
    fields,
    passages: parts.passages ?? [fields.summary, ...fields.symptoms.split('\n')].filter(Boolean),
  };
}

const CORPUS: SearchDoc[] = [
  doc('listen-backlog', {
    title: 'Accept queue overflowed under bursts',
    symptoms: 'Connections time out during bursts\n全连接队列溢出',
    summary: 'The accept queue of a listening socket is full and new connections are dropped.',
    evidence: 'nstat -az TcpExtListenOverflows TcpExtListenDrops\nss -ntl shows Recv-Q at Send-Q',
    tags: 'tcp listen',
  }),
  doc('half-open', {
    title: 'Half-open queue too small with syncookies off',
    symptoms: 'New connections fail now and then\n半连接队列满 SYN 包被丢',
    summary: 'The kernel drops SYNs when the half-open queue is full.',
    evidence: 'sysctl net.ipv4.tcp_max_syn_backlog net.ipv4.tcp_syncookies',
    tags: 'tcp syn',
  }),
  doc('recycle', {
    title: 'NAT clients refused by timestamp checks',
    symptoms: 'Some users behind NAT cannot connect',
    summary: 'With net.ipv4.tcp_tw_recycle = 1 the server drops SYNs whose timestamp goes backwards.',
    evidence: 'sysctl net.ipv4.tcp_tw_recycle\nnetstat -s | grep -i timestamp',
    tags: 'tcp nat',
  }),
  doc('not-closing', {
    title: 'Sockets pile up in CLOSE_WAIT',
    symptoms: 'Thousands of CLOSE_WAIT sockets',
    summary: 'The application never calls close() after the peer sent FIN.',
    evidence: 'ss -tan state close-wait | wc -l',
    tags: 'tcp app',
  }),
  doc('snat-race', {
    title: 'SNAT port collisions drop the first packet',
    symptoms: 'Client SYN retransmits through a load balancer',
    summary: 'Two connections pick the same source port; conntrack fails to insert the second.',
    evidence: 'conntrack -S shows insert_failed rising',
    tags: 'conntrack nat',
  }),
  doc('lossy-link', {
    title: 'Bulk transfer slow on one path',
    symptoms: '传输很慢\n抓包看到大量重传',
    summary: 'A lossy link forces retransmissions and the sender backs off.',
    tags: 'tcp',
  }),
  doc('cn-only', {
    title: '某些客户端偶发丢包',
    symptoms: '丢包 只在高峰期出现',
    summary: '交换机端口缓冲区不足',
    tags: 'switch',
  }),
  doc('listen-words', {
    kind: 'note',
    title: 'How the kernel listens',
    summary: 'A note on listen sockets: the queue can overflow when the application is slow.',
    tags: 'note tcp',
  }),
  doc('syn-runbook', {
    kind: 'runbook',
    title: 'New connections fail or time out',
    symptoms: 'SYN no response\n连接超时',
    summary: 'Start here when clients cannot open TCP connections.',
    tags: 'tcp',
  }),
];

const index = buildSearchIndex(CORPUS);
const ids = (q: string, opts?: Parameters<typeof search>[2]) => search(index, q, opts).map((r) => r.id);
const top = (q: string, opts?: Parameters<typeof search>[2]) => ids(q, opts)[0];

describe('Chinese', () => {
  it('segments a run with no spaces into bigrams that meet the aliases', () => {
    expect(top('半连接队列溢出')).toBe('half-open');
    expect(top('全连接队列溢出')).toBe('listen-backlog');
  });

  it('matches mixed Latin and Chinese with and without spaces', () => {
    expect(top('SYN包被丢')).toBe('half-open');
    expect(top('SYN 包 被丢')).toBe('half-open');
  });

  it('finds a single character', () => {
    expect(ids('慢')).toContain('lossy-link');
  });
});

describe('glossary, applied at index time', () => {
  it('finds an English-only case from a Chinese query', () => {
    expect(top('时间戳')).toBe('recycle');
    expect(top('半连接队列')).toBe('half-open');
  });

  it('finds a Chinese-only case from an English query', () => {
    expect(top('packet loss')).toBe('cn-only');
  });

  it('connects synonyms within one language', () => {
    expect(top('SYN queue')).toBe('half-open');
    expect(top('half open queue')).toBe('half-open');
  });

  it('reaches the English words of a case from its Chinese phrasing', () => {
    expect(ids('retransmission')).toContain('lossy-link');
    expect(ids('packet capture')).toContain('lossy-link');
  });
});

describe('English', () => {
  it('stems so inflections meet', () => {
    for (const q of ['overflow', 'overflows', 'overflowed', 'overflowing']) expect(ids(q)).toContain('listen-backlog');
  });

  it('tolerates one typo in a longer word', () => {
    expect(top('retransmision')).toBe('lossy-link');
    expect(top('timestmap')).toBe('recycle');
    expect(top('colisions')).toBe('snat-race');
  });

  it('does not fuzz short words', () => {
    expect(ids('tcq')).toEqual([]);
  });

  it('completes the word being typed', () => {
    expect(top('syncook')).toBe('half-open');
  });
});

describe('identifiers kept whole', () => {
  it('matches counter names, with and without their MIB prefix', () => {
    expect(top('ListenOverflows')).toBe('listen-backlog');
    expect(top('TcpExtListenOverflows')).toBe('listen-backlog');
    expect(top('ListenOverflows')).not.toBe('listen-words');
  });

  it('matches sysctl names inside their dotted path', () => {
    expect(top('tcp_tw_recycle')).toBe('recycle');
    expect(top('net.ipv4.tcp_tw_recycle')).toBe('recycle');
  });

  it('reads CLOSE_WAIT, close-wait and CLOSE-WAIT as one name', () => {
    for (const q of ['CLOSE_WAIT', 'close-wait', 'CLOSE-WAIT', 'close_wait']) expect(top(q)).toBe('not-closing');
  });

  it('keeps command flags with their command, in any order', () => {
    expect(top('ss -lnt')).toBe('listen-backlog');
    const terms = (s: string) => analyze(s).map((t) => t.term);
    expect(terms('ss -lnt')).toContain('ss-lnt');
    expect(terms('ss -ntl')).toContain('ss-lnt');
  });

  it('matches snake_case counters', () => {
    expect(top('insert_failed')).toBe('snat-race');
  });
});

describe('results', () => {
  it('marks the matched words in the snippet', () => {
    const [r] = search(index, 'CLOSE-WAIT sockets');
    expect(r.id).toBe('not-closing');
    expect(r.snippetText).toBe(r.snippet.text);
    const marked = r.snippet.marks.map(([s, e]) => r.snippet.text.slice(s, e));
    expect(marked).toContain('CLOSE_WAIT');
    expect(marked).toContain('sockets');
    expect(markSnippet(r.snippet)).toContain('«CLOSE_WAIT»');
  });

  it('marks Chinese matches and the English words a Chinese query translates to', () => {
    const [cn] = search(index, '全连接队列溢出');
    expect(markSnippet(cn.snippet)).toContain('«全连接队列溢出»');
    const [en] = search(index, '时间戳');
    expect(en.snippet.marks.map(([s, e]) => en.snippet.text.slice(s, e).toLowerCase())).toContain('timestamp');
  });

  it('orders best first and carries id, kind, title and score', () => {
    const rs = search(index, 'listen queue overflow');
    expect(rs.length).toBeGreaterThan(1);
    for (let i = 1; i < rs.length; i++) expect(rs[i - 1].score).toBeGreaterThanOrEqual(rs[i].score);
    expect(rs[0]).toMatchObject({ id: 'listen-backlog', kind: 'case', title: 'Accept queue overflowed under bursts' });
    expectTypeOf(rs).toEqualTypeOf<SearchResult[]>();
  });

  it('filters by kind and limits', () => {
    expect(ids('connections time out', { kinds: ['runbook'] })).toEqual(['syn-runbook']);
    expect(search(index, 'queue', { kinds: ['note'] }).every((r) => r.kind === 'note')).toBe(true);
    expect(ids('tcp', { limit: 2 })).toHaveLength(2);
  });

  it('returns nothing for an empty or blank query', () => {
    for (const q of ['', '   ', '\n\t', '的了']) expect(search(index, q)).toEqual([]);
  });
});

describe('artifact', () => {
  it('survives export, JSON and load with identical results', () => {
    const artifact = JSON.parse(JSON.stringify(exportSearchIndex(index)));
    const loaded = loadSearchIndex(artifact);
    for (const q of ['半连接队列溢出', 'ListenOverflows', 'close-wait', 'retransmision', 'packet loss', 'tcp', 'syncook', 'ss -lnt']) {
      expect(search(loaded, q, { limit: 20 })).toEqual(search(index, q, { limit: 20 }));
    }
  });

  it('refuses an artifact of another format with advice', () => {
    expect(() => loadSearchIndex({} as never)).toThrow(/rebuild/);
    const bad = { ...exportSearchIndex(index), fields: ['title'] };
    expect(() => loadSearchIndex(bad)).toThrow(/fields/);
  });
});

describe('documents', () => {
  it('builds case documents from entries and runbook documents from runbooks', () => {
    const entry = {
      id: 'x-case',
      kind: 'case',
      title: 'X case',
      summary: 'Summary of the x case.',
      symptoms: [{ text: 'Things break', aliases: ['坏了'] }],
      tags: ['tcp'],
      evidence: [{ command: 'nstat -az TcpExtPAWSPassive', lookFor: 'rising', needsRoot: false }],
      signals: [{ when: { fact: 'netstat.TcpExt.PAWSPassive', op: 'increased' }, weight: 'strong', says: 'PAWS rejects rise' }],
      rootCause: 'Because.',
      fix: { steps: [], commands: [], risks: [], markdown: '' },
      applies: { distros: [], libraries: [], markdown: '' },
      sources: [],
      related: [],
      sections: [{ key: 'fix', title: 'Fix', markdown: 'Turn it off.' }],
    } as unknown as Entry;
    const [d] = searchDocsFromEntries([entry]);
    expect(d).toMatchObject({ id: 'x-case', kind: 'case', title: 'X case' });
    expect(d.fields.symptoms).toContain('坏了');
    expect(d.fields.evidence).toContain('netstat.TcpExt.PAWSPassive');
    expect(d.fields.body).toContain('Turn it off.');

    const runbook = {
      id: 'x-book',
      title: 'X book',
      description: 'When x breaks.',
      symptoms: ['x is broken', 'x 坏了'],
      tags: ['x'],
      candidates: [],
      entry: 'a',
      nodes: {},
    } as unknown as Runbook;
    const [r] = searchDocsFromRunbooks([runbook]);
    expect(r).toMatchObject({ id: 'x-book', kind: 'runbook' });
    const idx = buildSearchIndex([d, r]);
    expect(search(idx, 'PAWSPassive')[0].id).toBe('x-case');
    expect(search(idx, '坏了', { kinds: ['runbook'] })[0].id).toBe('x-book');
  });
});

describe('robustness', () => {
  it('never throws and is deterministic for any query string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.constantFrom('-', '--', '_', '.', 'ss -', '«»', '\u0000', '\uD800', '半')), (q) => {
        const a = search(index, q);
        const b = search(index, q);
        expect(b).toEqual(a);
        for (let i = 1; i < a.length; i++) expect(a[i - 1].score).toBeGreaterThanOrEqual(a[i].score);
        for (const r of a) for (const [s, e] of r.snippet.marks) expect(0 <= s && s < e && e <= r.snippet.text.length).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('handles very long queries', () => {
    expect(() => search(index, 'overflow '.repeat(10_000))).not.toThrow();
  });
});

describe('module', () => {
  it('exports exactly the public API', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'FIELD_WEIGHTS',
        'GLOSSARY',
        'KIND_WEIGHT',
        'SEARCH_FIELDS',
        'analyze',
        'buildProjectIndex',
        'buildSearchArtifact',
        'buildSearchIndex',
        'compileGlossary',
        'exportSearchIndex',
        'glossaryTerms',
        'hasCjk',
        'loadSearchIndex',
        'markSnippet',
        'normTerm',
        'plainText',
        'search',
        'searchDocsFromEntries',
        'searchDocsFromRunbooks',
        'stem',
      ].sort(),
    );
  });

  it('is browser-safe: no Node built-ins, no process, no files', () => {
    const dir = join(__dirname, '..', 'src', 'core', 'search');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      const src = readFileSync(join(dir, f), 'utf8');
      expect(src, f).not.toMatch(/from ['"]node:|require\(|\bprocess\.|import\(['"](fs|path|os)/);
    }
  });
});
