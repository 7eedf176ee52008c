/**
 * Section headings accepted in case documents, English and Chinese, and the
 * function that maps a heading's text to a section key.
 */
import type { SectionKey } from '../schema/case.js';

/** Heading words per section key; matching is case-insensitive on the heading's start. */
export const SECTION_HEADINGS: Record<SectionKey, string[]> = {
  symptom: ['symptom', 'symptoms', 'what you see', '现象', '问题现象', '症状', '问题描述', '背景'],
  evidence: ['evidence', 'diagnosis', 'diagnose', 'how to confirm', 'investigation', '排查', '诊断', '定位', '分析过程', '排查过程', '证据'],
  rootCause: ['root cause', 'cause', 'why', '原因', '根因', '根本原因', '原因分析'],
  fix: ['fix', 'solution', 'resolution', 'remedy', 'mitigation', '解决', '解决方案', '解决方法', '修复', '处理'],
  applies: ['applies to', 'applies', 'applicability', 'affected versions', '适用', '适用范围', '影响范围', '影响版本'],
  sources: ['sources', 'source', 'references', 'reference', 'further reading', '参考', '参考资料', '来源'],
};

/** Human names of the sections, used in messages. */
export const SECTION_NAMES: Record<SectionKey, string> = {
  symptom: 'Symptom',
  evidence: 'Evidence',
  rootCause: 'Root cause',
  fix: 'Fix',
  applies: 'Applies to',
  sources: 'Sources',
};

/**
 * The section key for a heading, if it is one of the recognized headings.
 * @param heading the heading text, e.g. "Root cause" or "原因分析"
 * @returns the key, or undefined
 */
export function sectionKeyFor(heading: string): SectionKey | undefined {
  const h = heading
    .trim()
    .toLowerCase()
    .replace(/^[\d.、\s]+/, '')
    .replace(/[:：]\s*$/, '');
  let best: { key: SectionKey; len: number } | undefined;
  for (const [key, words] of Object.entries(SECTION_HEADINGS) as [SectionKey, string[]][]) {
    for (const w of words) {
      const ascii = /^[a-z ]+$/.test(w);
      const hit = ascii ? h === w || h.startsWith(`${w} `) || h.startsWith(`${w}/`) || h.startsWith(`${w} (`) : h.startsWith(w);
      if (hit && (!best || w.length > best.len)) best = { key, len: w.length };
    }
  }
  return best?.key;
}
