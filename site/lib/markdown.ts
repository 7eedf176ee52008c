/**
 * Small markdown helpers used at build time before a section is rendered.
 */

/**
 * Split a Fix section's "Risks" sub-section from the rest, so the page can show the risks
 * in their own warning box.
 * @param md the Fix section's markdown
 * @returns the steps markdown and the risks markdown ('' when there is none)
 */
export function splitRisks(md: string): { body: string; risks: string } {
  const lines = md.split('\n');
  let start = -1;
  let level = 0;
  let fence = false;
  for (let i = 0; i < lines.length; i++) {
    if (/^\s*(```|~~~)/.test(lines[i])) fence = !fence;
    if (fence) continue;
    const m = /^(#{2,6})\s*(risks?|caveats?|warnings?|风险|注意事项|注意)\b/i.exec(lines[i]);
    if (m) {
      start = i;
      level = m[1].length;
      break;
    }
  }
  if (start < 0) return { body: md, risks: '' };
  let end = lines.length;
  fence = false;
  for (let i = start + 1; i < lines.length; i++) {
    if (/^\s*(```|~~~)/.test(lines[i])) fence = !fence;
    if (fence) continue;
    const h = /^(#{1,6})\s/.exec(lines[i]);
    if (h && h[1].length <= level) {
      end = i;
      break;
    }
  }
  return {
    body: [...lines.slice(0, start), ...lines.slice(end)].join('\n').trim(),
    risks: lines.slice(start + 1, end).join('\n').trim(),
  };
}

/**
 * Rewrite the relative links of a repository document for the site: links to case, note and
 * runbook files become links to their pages; other relative links (source files) become plain
 * text, so the site has no link into the repository that a static host cannot serve.
 * @param md markdown
 * @param base the site's base path, ending with "/"
 * @returns markdown
 */
export function siteLinks(md: string, base: string): string {
  return md.replace(/(!?)\[([^\]]*)\]\(([^)\s]+)(\s+"[^"]*")?\)/g, (all, bang: string, text: string, href: string) => {
    if (bang || /^(https?:|mailto:|#)/.test(href)) return all;
    const m = /(?:^|\/)(content\/cases|content\/notes|runbooks)\/([a-z0-9-]+)\.(?:md|ya?ml)(#.*)?$/.exec(href);
    if (m) {
      const dir = m[1] === 'content/cases' ? 'cases' : m[1] === 'content/notes' ? 'notes' : 'runbooks';
      return `[${text}](${base}${dir}/${m[2]}/${m[3] ?? ''})`;
    }
    return text;
  });
}

/**
 * A heading's anchor id, as Starlight makes them (lowercase, hyphens).
 * @param text heading text
 * @returns a slug
 */
export function slugify(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^\p{L}\p{N}\s-]/gu, '')
      .trim()
      .replace(/\s+/g, '-') || 'section'
  );
}
