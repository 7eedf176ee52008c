// @ts-check
// The static docs site: Astro + Starlight over the same core as the CLI and the API.
// Build: `npm run build` (library, then `astro build` into dist/). See docs/site.md.
//
// Environment:
//   RUNBOOK_HOME    content root (content/cases, content/notes, runbooks), as for the CLI
//   SITE_URL        the deployed origin, e.g. https://kb.example.com (canonical links, sitemap)
//   SITE_BASE       base path when served below the root, e.g. /netrunbook/
//   SITE_OUT_DIR    output directory (default dist/)
//   SITE_CACHE_DIR  Astro's cache directory (default node_modules/.astro)
//   SITE_SKIP_CHECK=1  skip the post-build link and coverage check
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import { fileURLToPath } from 'node:url';
import { siteSidebar } from './site/lib/sidebar.ts';
import { checkSite, formatReport } from './scripts/check-site.mjs';

const base = process.env.SITE_BASE || '/';

/** Runs scripts/check-site.mjs over the output after every build; fails the build on problems. */
function siteCheck() {
  return {
    name: 'netrunbook-site-check',
    hooks: {
      /** @param {{ dir: URL, logger: { info: (m: string) => void, error: (m: string) => void } }} opts */
      'astro:build:done': async ({ dir, logger }) => {
        if (process.env.SITE_SKIP_CHECK === '1') return;
        const report = await checkSite({ dist: fileURLToPath(dir), base });
        logger.info(formatReport(report));
        if (report.problems.length) throw new Error(`site check failed: ${report.problems.length} problems (see above)`);
      },
    },
  };
}

export default defineConfig({
  srcDir: './site',
  publicDir: './site/public',
  outDir: process.env.SITE_OUT_DIR || './dist',
  cacheDir: process.env.SITE_CACHE_DIR || './node_modules/.astro',
  ...(process.env.SITE_URL ? { site: process.env.SITE_URL } : {}),
  base,
  trailingSlash: 'ignore',
  build: { format: 'directory' },
  devToolbar: { enabled: false },
  vite: {
    build: {
      rollupOptions: {
        treeshake: {
          // The core's schema modules only define zod schemas at load time. Saying so lets the
          // browser bundles drop them (and zod) where only plain functions are used, e.g. the
          // search chunk, which imports nothing from them at run time.
          moduleSideEffects: (id) => !/[\\/]src[\\/]core[\\/]schema[\\/][^\\/]+\.ts$/.test(id),
        },
      },
    },
  },
  integrations: [
    starlight({
      title: 'netrunbook',
      description: 'Linux network troubleshooting: searchable cases and runbooks that walk you from a symptom to the root cause.',
      favicon: '/favicon.svg',
      logo: { src: './site/assets/logo.svg', replacesTitle: false },
      pagefind: false,
      components: { Search: './site/components/Search.astro' },
      customCss: ['./site/styles/site.css'],
      sidebar: siteSidebar(),
      tableOfContents: { minHeadingLevel: 2, maxHeadingLevel: 3 },
      expressiveCode: { themes: ['github-dark-dimmed', 'github-light'], styleOverrides: { borderRadius: '0.5rem', codeFontSize: '0.85rem' } },
    }),
    siteCheck(),
  ],
});
