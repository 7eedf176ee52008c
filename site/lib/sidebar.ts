/**
 * The site's sidebar, read when the config loads: the runbooks (the entry points) by title,
 * then the knowledge base. Runbooks are read through the core loader, the same one
 * `buildProject` uses, so the sidebar lists exactly the runbooks that get a page.
 */
import { loadRunbooks } from '../../src/core/engine/verify.js';
import { contentPaths, contentRoot, readSources } from '../../src/node/content.js';

/** One Starlight sidebar item. */
type Item = { label: string; link: string; attrs?: Record<string, string> } | { label: string; items: Item[]; collapsed?: boolean };

/**
 * Build the sidebar.
 * @returns Starlight sidebar items
 */
export function siteSidebar(): Item[] {
  const root = contentRoot();
  const { runbooks } = loadRunbooks(readSources(root, contentPaths(root).runbooks));
  const list = runbooks.map((l) => l.runbook).sort((a, b) => (a.id === 'triage' ? -1 : b.id === 'triage' ? 1 : a.title.localeCompare(b.title)));
  return [
    { label: 'Home', link: '/' },
    {
      label: 'Runbooks',
      items: [{ label: 'All runbooks', link: '/runbooks/' }, ...list.map((r) => ({ label: r.id === 'triage' ? `Start here: ${r.title}` : r.title, link: `/runbooks/${r.id}/` }))],
    },
    {
      label: 'Knowledge base',
      items: [
        { label: 'Cases', link: '/cases/' },
        { label: 'Notes', link: '/notes/' },
        { label: 'Tags', link: '/tags/' },
      ],
    },
    { label: 'Contributing', items: [{ label: 'Writing a case', link: '/writing-cases/' }] },
  ];
}
