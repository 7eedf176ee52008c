/**
 * The fact catalog is complete. Every parser is run over every command output
 * under test/fixtures (the parser fixtures, the session pastes, the diagnose
 * evidence), without a command, with the command the fixture gives and with
 * each command the parser declares: every fact it emits must be in the catalog
 * (a `*` standing for an interface, a CPU, an address...), so `runbook facts`
 * lists it and signals may test it. And the parser that reads an output (the
 * fixture folder's, or the one parseOutput chooses) declares every fact it
 * gives in its own `meta.facts`: that is what the engine counts on when it
 * picks the next command to ask for.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { factPattern } from '../../src/core/parsers/catalog.js';
import { cleanPaste, getParser, isKnownFact, parseOutput, PARSERS, splitPaste } from '../../src/core/parsers/index.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

/** One command output: where it comes from, the text and the command, when the fixture says. */
interface Output {
  name: string;
  text: string;
  command?: string;
}

function outputs(): Output[] {
  const out: Output[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.txt')) out.push({ name: p.slice(FIXTURES.length + 1), text: readFileSync(p, 'utf8') });
    }
  };
  walk(FIXTURES);
  const diagnose = join(FIXTURES, 'diagnose');
  for (const f of readdirSync(diagnose).filter((x) => x.endsWith('.input.json')).sort()) {
    const input = JSON.parse(readFileSync(join(diagnose, f), 'utf8')) as { evidence?: { command?: string; output: string }[] };
    (input.evidence ?? []).forEach((e, i) => out.push({ name: `diagnose/${f}#${i}`, text: e.output, command: e.command }));
  }
  return out;
}

const OUTPUTS = outputs();

const patterns = new Map<string, RegExp[]>();
function declared(id: string): RegExp[] {
  let p = patterns.get(id);
  if (!p) patterns.set(id, (p = (getParser(id)?.meta.facts ?? []).map((f) => factPattern(f.name))));
  return p;
}

describe('fact catalog completeness', () => {
  it('reads real outputs: the parser fixtures, the session pastes and the diagnose evidence', () => {
    const from = (dir: string) => OUTPUTS.filter((o) => o.name.startsWith(`${dir}/`)).length;
    expect(from('parsers')).toBeGreaterThan(100);
    expect(from('sessions')).toBeGreaterThan(20);
    expect(from('diagnose')).toBeGreaterThan(10);
  });

  it('knows every fact any parser emits over any fixture', () => {
    const unknown = new Map<string, string>();
    for (const o of OUTPUTS) {
      const clean = cleanPaste(o.text);
      for (const p of PARSERS) {
        for (const command of new Set([undefined, o.command ?? clean.command ?? undefined, ...p.meta.commands])) {
          for (const name of Object.keys(p.parse(clean.text, command).facts)) {
            if (!unknown.has(name) && !isKnownFact(name)) unknown.set(name, `${p.meta.id} on ${o.name} (command: ${command ?? 'none'})`);
          }
        }
      }
    }
    expect(Object.fromEntries(unknown), 'facts missing from the catalog, with a parser and an output that give each').toEqual({});
  });

  it('has each parser declare the facts it reads from its own command\'s output', () => {
    const undeclared = new Map<string, string>();
    const check = (id: string, facts: object, where: string) => {
      const specs = declared(id);
      for (const name of Object.keys(facts)) {
        if (!undeclared.has(`${id} ${name}`) && !specs.some((re) => re.test(name))) undeclared.set(`${id} ${name}`, where);
      }
    };
    for (const o of OUTPUTS) {
      const folder = /^parsers\/([^/]+)\//.exec(o.name)?.[1];
      const own = folder ? getParser(folder) : undefined;
      if (own) {
        const clean = cleanPaste(o.text);
        for (const command of new Set([undefined, ...own.meta.commands])) check(own.meta.id, own.parse(clean.text, command).facts, `${o.name} (command: ${command ?? 'none'})`);
      }
      for (const seg of splitPaste(o.text)) {
        const r = parseOutput(seg.text, { command: seg.command ?? o.command });
        if (r.parser) check(r.parser, r.facts, `${o.name} (read by parseOutput)`);
      }
    }
    expect(Object.fromEntries(undeclared), 'facts a parser gives on its own output but does not declare').toEqual({});
  });

  it('knows every fact parseOutput reads from the fixtures', () => {
    const unknown = new Set<string>();
    for (const o of OUTPUTS) {
      for (const name of Object.keys(parseOutput(o.text, { command: o.command }).facts)) if (!isKnownFact(name)) unknown.add(name);
    }
    expect([...unknown]).toEqual([]);
  });

  it('matches a per-interface name to its own pattern only', () => {
    expect(factPattern('link.*.rx_errors').test('link.eth0.11.rx_errors')).toBe(true);
    expect(factPattern('link.*.rx_errors').test('link.eth0.tx_errors')).toBe(false);
    expect(factPattern('softnet.*.processed').test('softnet.cpu3.dropped')).toBe(false);
  });
});
