/**
 * The evidence trail: a ticket-ready summary of a session (markdown and JSON):
 * each command, an excerpt of what was pasted, the facts read, the signals that
 * fired, the candidates ruled out and why, the conclusion and its fix.
 */
import type { Entry } from '../schema/case.js';
import type { Candidate } from './candidates.js';
import type { EngineData, SessionState } from './session.js';
import { formatNumber } from './conditions.js';

/** The JSON form of the evidence trail. */
export interface EvidenceTrail {
  runbook: string;
  finished: boolean;
  conclusion: { cases: { id: string; title: string; status: Candidate['status']; why: string[] }[]; confidence?: string; message?: string } | null;
  steps: {
    node: string;
    prompt: string;
    answer?: string;
    command?: string | null;
    excerpt?: string;
    facts?: Record<string, unknown>;
    outcome?: string;
    moved: { id: string; from: string; to: string; why: string[] }[];
    at?: string;
  }[];
  ruledOut: { id: string; title: string; why: string[] }[];
  fix: { id: string; steps: string[]; commands: string[]; risks: string[] }[];
  facts: Record<string, unknown>;
}

/**
 * Build the evidence trail of a session.
 * @param state the replayed state
 * @param data runbooks and cases
 * @returns the trail
 */
export function evidenceTrail(state: SessionState, data: EngineData): EvidenceTrail {
  const cur = state.current;
  const concludedIds = cur.type === 'conclude' ? cur.cases : [];
  const byId = new Map(state.candidates.map((c) => [c.id, c]));
  const conclusion =
    cur.type === 'conclude'
      ? {
          cases: concludedIds.map((id) => {
            const c = byId.get(id);
            return { id, title: data.cases.get(id)?.title ?? id, status: c?.status ?? 'possible', why: c?.why ?? [] };
          }),
          confidence: cur.confidence,
          ...(cur.message ? { message: cur.message } : {}),
        }
      : null;
  const steps: EvidenceTrail['steps'] = [];
  for (const t of state.transcript) {
    if (t.readings && t.readings.length) {
      for (const r of t.readings) {
        steps.push({
          node: t.node,
          prompt: t.prompt,
          command: r.command,
          excerpt: r.excerpt,
          facts: r.facts,
          ...(t.outcome ? { outcome: t.outcome } : {}),
          moved: t.moved,
          ...(t.at ? { at: t.at } : {}),
        });
      }
    } else {
      steps.push({ node: t.node, prompt: t.prompt, ...(t.answer ? { answer: t.answer } : {}), ...(t.outcome ? { outcome: t.outcome } : {}), moved: t.moved, ...(t.at ? { at: t.at } : {}) });
    }
  }
  const fix = concludedIds
    .map((id) => data.cases.get(id))
    .filter((e): e is Entry => Boolean(e))
    .map((e) => ({ id: e.id, steps: e.fix.steps, commands: e.fix.commands.map((c) => c.command), risks: e.fix.risks }));
  return {
    runbook: state.runbook,
    finished: state.finished,
    conclusion,
    steps,
    ruledOut: state.candidates.filter((c) => c.status === 'ruled-out').map((c) => ({ id: c.id, title: c.title, why: c.why.filter((w) => w.startsWith('ruled out')) })),
    fix,
    facts: state.facts,
  };
}

function fence(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const f = '`'.repeat(longest + 1);
  return `${f}\n${text}\n${f}`;
}

/**
 * Render the evidence trail as markdown for a ticket.
 * @param trail the trail
 * @returns markdown
 */
export function trailMarkdown(trail: EvidenceTrail): string {
  const out: string[] = [];
  out.push(`## Network troubleshooting summary (runbook \`${trail.runbook}\`)`, '');
  if (trail.conclusion && trail.conclusion.cases.length) {
    out.push(`**Conclusion** (${trail.conclusion.confidence} confidence): ${trail.conclusion.cases.map((c) => `\`${c.id}\` ${c.title} (${c.status})`).join('; ')}`);
    for (const c of trail.conclusion.cases) for (const w of c.why) out.push(`- ${w}`);
  } else if (trail.conclusion) {
    out.push(`**Conclusion**: ${trail.conclusion.message ?? 'none of the runbook causes fits'}`);
  } else {
    out.push('**Status**: in progress, no conclusion yet.');
  }
  out.push('', '### Steps');
  trail.steps.forEach((s, i) => {
    const head = s.command ? `\`${s.command}\`` : s.prompt;
    out.push(`${i + 1}. ${head}${s.answer ? ` — answered: ${s.answer}` : ''}`);
    if (s.excerpt) out.push('', fence(s.excerpt).replace(/^/gm, '   '), '');
    const facts = Object.entries(s.facts ?? {});
    if (facts.length) {
      const shown = facts.slice(0, 12).map(([k, v]) => `\`${k}\` = ${typeof v === 'number' ? formatNumber(v) : JSON.stringify(v)}`);
      out.push(`   - facts read: ${shown.join(', ')}${facts.length > 12 ? `, and ${facts.length - 12} more` : ''}`);
    }
    if (s.outcome) out.push(`   - result: ${s.outcome}`);
    for (const m of s.moved) out.push(`   - \`${m.id}\`: ${m.from} → ${m.to}${m.why.length ? ` (${m.why.join('; ')})` : ''}`);
  });
  if (trail.ruledOut.length) {
    out.push('', '### Ruled out');
    for (const r of trail.ruledOut) out.push(`- \`${r.id}\` ${r.title}: ${r.why.join('; ') || 'ruled out by an answer'}`);
  }
  for (const f of trail.fix) {
    out.push('', `### Fix for \`${f.id}\``);
    f.steps.forEach((s, i) => out.push(`${i + 1}. ${s.replace(/\n+/g, ' ')}`));
    if (f.commands.length) out.push('', fence(f.commands.join('\n')));
    if (f.risks.length) {
      out.push('', '**Risks**');
      for (const r of f.risks) out.push(`- ${r.replace(/\n+/g, ' ')}`);
    }
  }
  return out.join('\n') + '\n';
}
